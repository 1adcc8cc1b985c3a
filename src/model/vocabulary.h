#pragma once
// The words every room shares: what an action is, what became of it, of a campaign chunk and
// of a run. The state stores them as the strings to_string gives; parse_* reads them back.
#include <optional>
#include <string_view>

namespace xs {

// import and assign change XUNA; batch sends a campaign; rollback and undo change a number's
// Twilio routing (back to its snapshot, or back to XUNA); fallback sets or clears the probation
// fallback after a cut-over (issue 22).
enum class ActionKind { Import, Assign, Batch, Rollback, Undo, Fallback };
// Pending: the intent is journaled and no answer is known (yet).
enum class Outcome { Pending, Ok, Failed, Skipped, Unknown };
// One chunk of a campaign as states before the ledger kept them (read when upgrading).
enum class BatchStatus { Pending, Sent, Unknown, Failed };
// One recipient of a campaign in the ledger (docs/DESIGN.md §6): Sent (a clear 2xx with a
// batch_id), Unknown (the request may have been accepted: never sent again without
// --resubmit), Failed (refused with a clear 4xx: not dialled, sent again later), Suppressed
// (on a do-not-call list when due), Expired (its window ended before it was dialled).
enum class CallStatus { Sent, Unknown, Failed, Suppressed, Expired };
enum class RunOutcome { Running, Ok, Failed, Refused, Cancelled, Interrupted };

const char* to_string(ActionKind kind);
const char* to_string(Outcome outcome);
const char* to_string(BatchStatus status);
const char* to_string(CallStatus status);
const char* to_string(RunOutcome outcome);

// The value to_string gave, or nullopt for any other text.
std::optional<ActionKind> parse_action_kind(std::string_view text);
std::optional<Outcome> parse_outcome(std::string_view text);
std::optional<BatchStatus> parse_batch_status(std::string_view text);
std::optional<CallStatus> parse_call_status(std::string_view text);
std::optional<RunOutcome> parse_run_outcome(std::string_view text);

}  // namespace xs

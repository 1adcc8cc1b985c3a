#pragma once
// make_plan(desired, live, state) -> Plan: a pure function (docs/DESIGN.md §4). No I/O, no clock.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/desired.h"
#include "model/ledger.h"
#include "model/live.h"
#include "model/routing.h"
#include "model/state_view.h"
#include "model/vocabulary.h"

namespace xs {

// One batch-call request of a campaign: recipients of one time zone, at most --batch-chunk of
// them. Its Idempotency-Key is the one it first went with (a --resubmit of recipients whose
// outcome is unknown), or derived by apply from the target, the campaign, its calls and prior.
struct CampaignRequest {
  std::string zone;
  std::vector<std::size_t> calls;  // indexes into the campaign's calls
  std::string key;                 // --resubmit: the key these recipients went with
  std::string prior;               // keys of refused earlier requests of these recipients
  std::optional<std::chrono::system_clock::time_point> last_call;  // dial_rate: expected end
};

struct Action {
  ActionKind kind = ActionKind::Import;
  std::string phone_number;              // the number acted on (a batch: its from number)
  std::string phone_number_id;           // live id; empty when an import in this plan gives it
  std::string label;                     // import
  std::string twilio_account;            // import: account name in the mapping
  std::string agent_id;                  // assign: the desired agent; batch: the calling agent
  std::string agent_ref;                 // as written in the mapping (alias or id)
  std::optional<std::string> before;     // assign: the live agent it expects to change (none)
  std::string batch_name;                // batch
  int calls = 0;                         // batch: number of calls to send now
  std::vector<CampaignRequest> requests; // batch: the requests to send, in order
  int suppressed = 0;                    // batch: recipients left out (do-not-call lists)
  std::string digest;                    // batch: content digest
  std::shared_ptr<const BatchCampaign> campaign;  // batch: what to send
  std::optional<TwilioRouting> routing_before;   // import: where its calls go now, as listed
  bool snapshot = false;                 // import: journal routing_before as its snapshot
  CutoverPolicy cutover;                 // import: the probation fallback after its cut-over
};

// The old webhook as Twilio's voice fallback after a cut-over (docs/DESIGN.md §9, issue 22): set
// after a good cut-over for the probation, cleared when the probation ends.
struct FallbackStep {
  enum class Kind { Set, Clear } kind = Kind::Set;
  std::string phone_number;
  std::string twilio_account;
  std::string url, method;  // the fallback to set, or the one to clear (ours); may hold a password
  // Set: when the probation ends ("" = never: fallback keep). A first setting works it out from
  // the run's own now and `probation`; one already decided (a killed run) keeps it.
  std::string until;
  std::optional<long long> probation;  // Set, not yet decided: its length in seconds; nullopt = keep
  bool with_import = false;  // Set: after this plan's import of the number, if its check is good
  bool reached_xuna = false; // Set, not with_import: the state saw it routing to XUNA after it
  TwilioRouting before;      // the number's snapshot (Clear: the fallback method it had)
};

// A number whose fallback is set for its probation (shown by plan; counted in metrics).
struct InProbation {
  std::string phone_number;
  std::string url;    // what Twilio falls back to (may hold a password: masked when shown)
  std::string until;  // ISO-8601 UTC; "" = kept for good
};

struct Warning {
  std::string kind;          // label_drift | no_unassign | orphaned | duplicate_live | ...
  std::string phone_number;
  std::string message;
};

// A mapped number that cannot be acted on (e.g. its Twilio account does not own it).
struct PlanError {
  std::string phone_number;
  std::string message;
};

struct Summary {
  int imports = 0, assigns = 0, batches = 0;
  int unknown_batches = 0;  // campaigns whose outcome is unknown: a pending change
  int deferred = 0;    // imports left for a later run by --max-imports
  int unselected = 0;  // mapped numbers outside --only
  int unchanged = 0;   // mapped numbers that need nothing
  int unmanaged = 0;   // live numbers not in the mapping
  int orphaned = 0;    // unmanaged numbers this tool once managed
  int in_probation = 0;        // numbers whose probation fallback is set and not yet due
  int fallbacks_to_set = 0;    // probation fallbacks this run sets (after the imports' check)
  int fallbacks_to_clear = 0;  // probation fallbacks whose probation has ended
};

// A campaign that apply records as unknown without sending it (a state with no history).
struct UnrecordedBatch {
  std::string name;
  std::string digest;
  std::vector<std::pair<CallKey, std::string>> calls;  // each recipient and its call digest
};

// Where each recipient of a campaign stands (plan, apply, JSON, metrics).
struct CampaignCounts {
  std::string name;
  int to_dial = 0;     // in this run's requests
  int dialled = 0;     // sent before
  int unknown = 0;     // may have been dialled: only --resubmit sends them
  int failed = 0;      // refused before, due again (part of to_dial when sent now)
  int suppressed = 0;  // on a do-not-call list
  int waiting = 0;     // window not open, or paced to a later run
  int expired = 0;     // window over, never dialled
  int held = 0;        // held back: the campaign was renamed after it was sent
  std::map<std::string, int> waiting_by_zone;
  std::optional<std::chrono::system_clock::time_point> last_call;  // dial_rate: this run's end
};

// Recipients the ledger records as suppressed or expired (evidence for a review), when the
// run is approved; only those whose entry says otherwise.
struct CampaignMarks {
  std::string name;
  std::vector<CallKey> suppressed, expired;
};

struct Plan {
  std::vector<Action> actions;   // imports, then assigns, then batches; each sorted
  std::vector<Warning> warnings;
  std::vector<PlanError> errors;
  std::vector<UnrecordedBatch> unrecorded;
  std::vector<CampaignCounts> campaigns;  // every campaign of the selection, mapping order
  std::vector<CampaignMarks> marks;
  std::vector<FallbackStep> fallbacks;  // by phone number
  std::vector<InProbation> probation;   // by phone number
  Summary summary;
  bool has_changes() const { return !actions.empty() || !fallbacks.empty(); }
  // Changes, or campaigns whose outcome is unknown (plan --detailed-exitcode exits 2).
  bool has_pending() const { return has_changes() || summary.unknown_batches > 0; }
};

// What Twilio says each account owns, for the numbers to import (docs/DESIGN.md §4). An account
// missing from `owned` was not checked; one in `failed` could not be checked (the reason).
struct Ownership {
  std::map<std::string, std::set<std::string>> owned;  // account name -> E.164 numbers
  std::map<std::string, std::string> failed;           // account name -> reason
  std::map<std::string, TwilioRouting> routing;        // E.164 -> its routing, as listed
};

// Which mapped numbers a run may touch (waves): all, or those matching any pattern of only
// (an E.164 number, a glob on the number such as "+1555123*", or "label:GLOB"), minus those
// matching any pattern of exclude (same syntax); of those, at most max_imports imports in
// mapping order. Campaigns go only when their from number is selected and not deferred.
struct Selection {
  std::vector<std::string> only;
  std::vector<std::string> exclude;
  std::optional<int> max_imports;
  bool empty() const { return only.empty() && exclude.empty() && !max_imports; }
};

struct PlanOptions {
  int batch_chunk = 1000;               // calls per batch request
  std::set<std::string> resubmit;       // campaigns whose unknown recipients may be sent again
  std::string xuna_origin;              // where Twilio must send calls after a cut-over
  bool allow_routing_takeover = false;  // import numbers routed through an app or a trunk
  Selection selection;
  // Now, for campaign windows; without it windows are not checked (nothing is sent).
  std::optional<std::chrono::system_clock::time_point> now;
};

// Why the account's numbers cannot be imported, or empty: an account signed in with an API key
// (api_key_sid) lists its numbers, but XUNA's import takes the account SID and its auth token.
std::string key_cannot_import(const Desired& desired, const std::string& account);

// True when pattern (as in Selection::only) is well formed.
bool valid_selection_pattern(const std::string& pattern);
// True when the number matches the pattern.
bool selected_by(const std::string& pattern, const DesiredNumber& number);
// True when the selection's patterns let the number through: it matches a pattern of only
// (or only is empty) and none of exclude. max_imports is not looked at.
bool selects(const Selection& selection, const DesiredNumber& number);

// The probation fallbacks (issue 22) of a plan whose actions are made: Set steps for this plan's
// imports and for cut-overs whose fallback was never settled (a killed run), Clear steps for
// probations ended at options.now (none without it), and the numbers still in probation. Of the
// mapped numbers, only those in live_selected (selected, in XUNA) and this plan's imports.
void plan_probation(const std::vector<const DesiredNumber*>& live_selected, const StateView& state,
                    const PlanOptions& options, Plan& plan);

// The actions that bring live in line with desired, and what cannot be brought in line.
Plan make_plan(const Desired& desired, const LiveList& live, const StateView& state,
               const Ownership& ownership = {}, const PlanOptions& options = {});

// The Twilio accounts of the imports make_plan would plan before Twilio's word (no ownership):
// selected numbers XUNA does not list, whose account can import, within max_imports. What
// gather asks Twilio about, without planning twice (issue 23).
std::set<std::string> importing_accounts(const Desired& desired, const LiveList& live,
                                         const Selection& selection);

}  // namespace xs

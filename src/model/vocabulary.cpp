#include "model/vocabulary.h"

#include <array>
#include <utility>

namespace xs {
namespace {

template <typename E, std::size_t N>
using Names = std::array<std::pair<E, const char*>, N>;

constexpr Names<ActionKind, 6> kActionKinds{{{ActionKind::Import, "import"},
                                             {ActionKind::Assign, "assign"},
                                             {ActionKind::Batch, "batch"},
                                             {ActionKind::Rollback, "rollback"},
                                             {ActionKind::Undo, "undo"},
                                             {ActionKind::Fallback, "fallback"}}};
constexpr Names<Outcome, 5> kOutcomes{{{Outcome::Pending, "pending"},
                                       {Outcome::Ok, "ok"},
                                       {Outcome::Failed, "failed"},
                                       {Outcome::Skipped, "skipped"},
                                       {Outcome::Unknown, "unknown"}}};
constexpr Names<BatchStatus, 4> kBatchStatuses{{{BatchStatus::Pending, "pending"},
                                                {BatchStatus::Sent, "sent"},
                                                {BatchStatus::Unknown, "unknown"},
                                                {BatchStatus::Failed, "failed"}}};
constexpr Names<CallStatus, 5> kCallStatuses{{{CallStatus::Sent, "sent"},
                                              {CallStatus::Unknown, "unknown"},
                                              {CallStatus::Failed, "failed"},
                                              {CallStatus::Suppressed, "suppressed"},
                                              {CallStatus::Expired, "expired"}}};
constexpr Names<RunOutcome, 6> kRunOutcomes{{{RunOutcome::Running, "running"},
                                             {RunOutcome::Ok, "ok"},
                                             {RunOutcome::Failed, "failed"},
                                             {RunOutcome::Refused, "refused"},
                                             {RunOutcome::Cancelled, "cancelled"},
                                             {RunOutcome::Interrupted, "interrupted"}}};

template <typename E, std::size_t N>
const char* name_of(const Names<E, N>& names, E value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const Names<E, N>& names, std::string_view text) {
  for (const auto& [v, name] : names)
    if (text == name) return v;
  return std::nullopt;
}

}  // namespace

const char* to_string(ActionKind kind) { return name_of(kActionKinds, kind); }
const char* to_string(Outcome outcome) { return name_of(kOutcomes, outcome); }
const char* to_string(BatchStatus status) { return name_of(kBatchStatuses, status); }
const char* to_string(CallStatus status) { return name_of(kCallStatuses, status); }
const char* to_string(RunOutcome outcome) { return name_of(kRunOutcomes, outcome); }

std::optional<ActionKind> parse_action_kind(std::string_view t) { return value_of(kActionKinds, t); }
std::optional<Outcome> parse_outcome(std::string_view t) { return value_of(kOutcomes, t); }
std::optional<BatchStatus> parse_batch_status(std::string_view t) {
  return value_of(kBatchStatuses, t);
}
std::optional<CallStatus> parse_call_status(std::string_view t) {
  return value_of(kCallStatuses, t);
}
std::optional<RunOutcome> parse_run_outcome(std::string_view t) { return value_of(kRunOutcomes, t); }

}  // namespace xs

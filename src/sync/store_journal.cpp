#include "sync/store_journal.h"

namespace xs::sync {

std::string detail_of(const Action& a) {
  switch (a.kind) {
    case ActionKind::Import: return "\"" + a.label + "\" (twilio: " + a.twilio_account + ")";
    case ActionKind::Assign: return a.before.value_or("(none)") + " -> " + a.agent_id;
    case ActionKind::Batch: return a.batch_name + ": " + std::to_string(a.calls) + " calls";
    case ActionKind::Rollback:
    case ActionKind::Undo:
    case ActionKind::Fallback: return a.label;  // what the routing becomes, passwords masked
  }
  return {};
}

std::int64_t StoreJournal::intent(const Action& action, const std::string& idempotency_key) {
  state::ActionIntent i;
  i.kind = action.kind;
  i.phone_number = action.kind == ActionKind::Batch ? action.batch_name : action.phone_number;
  i.detail = detail_of(action);
  i.idempotency_key = idempotency_key;
  if (action.kind == ActionKind::Import && action.snapshot && action.routing_before) {
    state::RoutingSnapshot snap;
    snap.phone_number = action.phone_number;
    snap.twilio_account = action.twilio_account;
    auto sid = account_sids_.find(action.twilio_account);
    if (sid != account_sids_.end()) snap.account_sid = sid->second;
    snap.before = *action.routing_before;
    i.snapshot = std::move(snap);
    i.replace_snapshot = true;
  }
  return store_.record_intent(run_, i, clock_.now_iso());
}

void StoreJournal::outcome(std::int64_t entry, Outcome outcome, const std::string& error,
                           const std::string& phone_number_id) {
  store_.record_outcome(entry, outcome, error, phone_number_id, clock_.now_iso());
}

StoreJournal::~StoreJournal() {
  try {
    flush_managed();
  } catch (const std::exception&) {
    // the run's outcome rows hold the ids; the next apply marks these numbers again
  }
}

void StoreJournal::managed(const std::string& phone_number, const std::string& phone_number_id) {
  std::vector<state::ManagedNumber> full;
  {
    std::lock_guard<std::mutex> lock(managed_mutex_);
    managed_.push_back({phone_number, phone_number_id, "", ""});
    if (managed_.size() < kManagedBatch) return;
    full.swap(managed_);
  }
  store_.mark_managed_many(target_, full, clock_.now_iso());
}

void StoreJournal::flush_managed() {
  std::vector<state::ManagedNumber> rest;
  {
    std::lock_guard<std::mutex> lock(managed_mutex_);
    rest.swap(managed_);
  }
  if (!rest.empty()) store_.mark_managed_many(target_, rest, clock_.now_iso());
}

void StoreJournal::campaign_intent(const std::string& name, const std::string& campaign_digest,
                                   const std::vector<CallIntent>& calls, const std::string& key) {
  store_.record_call_intent(target_, run_, name, campaign_digest, calls, key, clock_.now_iso(),
                            lock_token_);
}

void StoreJournal::campaign_outcome(const std::string& name, const std::string& key,
                                    CallStatus status, const std::string& batch_id,
                                    const std::string& note) {
  store_.record_call_outcome(target_, name, key, status, batch_id, note, clock_.now_iso());
}

}  // namespace xs::sync

#include "sync/store_journal.h"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "util/log.h"

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
  {
    std::lock_guard<std::mutex> lock(outcomes_mutex_);
    if (!outcomes_failed_.empty()) throw state::StateError(outcomes_failed_);
  }
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
  const std::int64_t id = commit_intent(std::move(i));
  if (expected_intents_ && ++intents_written_ == expected_intents_) store_.writes_ending();
  return id;
}

std::int64_t StoreJournal::commit_intent(state::ActionIntent intent) {
  std::unique_lock<std::mutex> lock(intents_mutex_);
  const std::uint64_t ticket = next_ticket_++;
  queued_.push_back({ticket, std::move(intent)});
  for (;;) {
    auto mine = written_.find(ticket);
    if (mine != written_.end()) {
      const WrittenIntent w = mine->second;
      written_.erase(mine);
      if (w.error) std::rethrow_exception(w.error);
      return w.id;
    }
    if (writing_) {
      intents_cv_.wait(lock);
      continue;
    }
    // No write in progress: this worker writes every intent waiting (its own among them).
    writing_ = true;
    std::vector<QueuedIntent> batch;
    const std::size_t n = std::min(queued_.size(), kIntentBatch);
    batch.assign(std::make_move_iterator(queued_.begin()),
                 std::make_move_iterator(queued_.begin() + static_cast<std::ptrdiff_t>(n)));
    queued_.erase(queued_.begin(), queued_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    std::vector<state::ActionIntent> intents;
    intents.reserve(batch.size());
    for (auto& q : batch) intents.push_back(std::move(q.intent));
    std::vector<std::int64_t> ids;
    std::exception_ptr error;
    try {
      ids = store_.record_intents(run_, intents, clock_.now_iso());
      if (ids.size() != batch.size()) throw state::StateError("the state wrote fewer intents");
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    for (std::size_t k = 0; k < batch.size(); ++k)
      written_[batch[k].ticket] = error ? WrittenIntent{0, error} : WrittenIntent{ids[k], nullptr};
    writing_ = false;
    intents_cv_.notify_all();
  }
}

void StoreJournal::outcome(std::int64_t entry, Outcome outcome, const std::string& error,
                           const std::string& phone_number_id) {
  state::OutcomeRecord o{entry, outcome, error, phone_number_id, clock_.now_iso()};
  if (!writer_.joinable()) {
    store_.record_outcome(o.action, o.outcome, o.error, o.phone_number_id, o.at);
    return;
  }
  std::lock_guard<std::mutex> lock(outcomes_mutex_);
  outcomes_.push_back(std::move(o));
  if (outcomes_.size() == 1 || outcomes_.size() >= kOutcomeBatch) outcomes_cv_.notify_one();
}

void StoreJournal::write_outcomes() {
  std::unique_lock<std::mutex> lock(outcomes_mutex_);
  for (;;) {
    outcomes_cv_.wait(lock, [&] { return stopping_ || !outcomes_.empty(); });
    if (outcomes_.empty() && stopping_) return;
    // the first is here: wait for a batch, or its delay
    outcomes_cv_.wait_for(lock, std::chrono::duration<double>(kOutcomeDelay),
                          [&] { return stopping_ || outcomes_.size() >= kOutcomeBatch; });
    std::vector<state::OutcomeRecord> batch;
    batch.swap(outcomes_);
    if (!outcomes_failed_.empty()) continue;  // the state failed: the next run settles them
    lock.unlock();
    std::string failed;
    try {
      store_.record_outcomes(batch);
    } catch (const std::exception& e) {
      failed = e.what();
    }
    lock.lock();
    if (!failed.empty() && outcomes_failed_.empty()) outcomes_failed_ = failed;
  }
}

void StoreJournal::flush() {
  if (writer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(outcomes_mutex_);
      stopping_ = true;
    }
    outcomes_cv_.notify_one();
    writer_.join();
    std::lock_guard<std::mutex> lock(outcomes_mutex_);
    if (!outcomes_failed_.empty()) throw state::StateError(outcomes_failed_);
  }
  flush_managed();
}

StoreJournal::~StoreJournal() {
  try {
    flush();
  } catch (const std::exception& e) {
    // the actions stay pending, the managed numbers unmarked: the next apply settles them by
    // the live list and marks them again
    log_warn(std::string("could not record the outcome of every action: ") + e.what());
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

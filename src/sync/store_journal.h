#pragma once
// The Journal apply writes, backed by the state.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "apply/apply.h"
#include "state/store.h"
#include "util/clock.h"

namespace xs::sync {

class StoreJournal final : public Journal {
 public:
  // lock_token: the run's lock, checked in the same transaction as each campaign request's
  // intent.
  // account_sids: Twilio account name -> SID, recorded with the routing snapshots.
  StoreJournal(state::Store& store, std::int64_t target, std::int64_t run, Clock& clock,
               std::string lock_token, std::map<std::string, std::string> account_sids)
      : store_(store), target_(target), run_(run), clock_(clock),
        lock_token_(std::move(lock_token)), account_sids_(std::move(account_sids)) {}
  // Writes the managed numbers still buffered.
  ~StoreJournal() override;

  // An import's intent carries its routing snapshot, in the same transaction.
  std::int64_t intent(const Action& action, const std::string& idempotency_key) override;
  void outcome(std::int64_t entry, Outcome outcome, const std::string& error,
               const std::string& phone_number_id) override;
  // Buffered, written kManagedBatch at a time: a transaction per number cost a third of
  // apply's state writes, and the action's outcome (with the id) is durable already.
  void managed(const std::string& phone_number, const std::string& phone_number_id) override;
  void flush_managed();
  void campaign_intent(const std::string& name, const std::string& campaign_digest,
                       const std::vector<CallIntent>& calls, const std::string& key) override;
  void campaign_outcome(const std::string& name, const std::string& key, CallStatus status,
                        const std::string& batch_id, const std::string& note) override;

 private:
  state::Store& store_;
  std::int64_t target_, run_;
  Clock& clock_;
  std::string lock_token_;
  std::map<std::string, std::string> account_sids_;
  static constexpr std::size_t kManagedBatch = 64;
  std::mutex managed_mutex_;
  std::vector<state::ManagedNumber> managed_;
};

// What the journal says of an action: never a secret (labels, ids and agents only).
std::string detail_of(const Action& action);

}  // namespace xs::sync

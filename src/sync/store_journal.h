#pragma once
// The Journal apply writes, backed by the state.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
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
        lock_token_(std::move(lock_token)), account_sids_(std::move(account_sids)) {
    try {
      writer_ = std::thread([this] { write_outcomes(); });
    } catch (const std::system_error&) {
    }
  }
  // Writes the outcomes and managed numbers still buffered.
  ~StoreJournal() override;

  // An import's intent carries its routing snapshot, in the same transaction; refused (it
  // throws) once a batch of outcomes could not be written: the state is failing. Durable when
  // it returns. Workers that ask while another's intents are being written have theirs
  // written together, in one transaction (a group commit, issue 23: at -p 32 the answers come
  // back together, and 32 intents one after another made the last wait 5 ms).
  std::int64_t intent(const Action& action, const std::string& idempotency_key) override;
  // Buffered, and written by a writer of their own, kOutcomeBatch at a time or kOutcomeDelay
  // after the first of them (issue 23: at -p 32, waiting for the state's mutex to write each
  // one cost a request a millisecond). Nothing is sent twice for it: an action whose outcome a
  // crash lost is pending, and the next run goes by the live list, as for one in flight.
  void outcome(std::int64_t entry, Outcome outcome, const std::string& error,
               const std::string& phone_number_id) override;
  // Writes what is buffered (outcomes, managed numbers) now; throws what the state threw.
  void flush();
  // The number of intents the run will write: the store hears (Store::writes_ending) when
  // the last is written. 0: not said.
  void expect_intents(std::size_t count) { expected_intents_ = count; }
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

  struct QueuedIntent {
    std::uint64_t ticket;
    state::ActionIntent intent;
  };
  struct WrittenIntent {
    std::int64_t id = 0;
    std::exception_ptr error;
  };
  std::int64_t commit_intent(state::ActionIntent intent);
  static constexpr std::size_t kIntentBatch = 64;
  std::mutex intents_mutex_;
  std::condition_variable intents_cv_;
  std::vector<QueuedIntent> queued_;
  std::map<std::uint64_t, WrittenIntent> written_;
  std::uint64_t next_ticket_ = 0;
  bool writing_ = false;
  std::size_t expected_intents_ = 0;
  std::atomic<std::size_t> intents_written_{0};

  static constexpr std::size_t kOutcomeBatch = 64;
  static constexpr double kOutcomeDelay = 0.05;  // seconds
  void write_outcomes();  // the writer's loop
  std::mutex outcomes_mutex_;
  std::condition_variable outcomes_cv_;
  std::vector<state::OutcomeRecord> outcomes_;
  std::string outcomes_failed_;  // why a batch could not be written; then no intent is
  bool stopping_ = false;
  std::thread writer_;  // not joinable when no thread could be had: outcomes written at once
};

// What the journal says of an action: never a secret (labels, ids and agents only).
std::string detail_of(const Action& action);

}  // namespace xs::sync

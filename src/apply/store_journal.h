#pragma once
// The Journal apply writes, backed by the state database.
#include <cstdint>
#include <mutex>
#include <vector>

#include "apply/apply.h"
#include "state/store.h"
#include "util/clock.h"

namespace xs {

class StoreJournal final : public Journal {
 public:
  StoreJournal(state::Store& store, std::int64_t target, std::int64_t run, Clock& clock)
      : store_(store), target_(target), run_(run), clock_(clock) {}
  // Writes the managed numbers still buffered.
  ~StoreJournal() override;

  std::int64_t intent(const Action& action, const std::string& idempotency_key) override;
  void outcome(std::int64_t entry, Outcome outcome, const std::string& error,
               const std::string& phone_number_id) override;
  // Buffered, written kManagedBatch at a time: a transaction per number cost a third of
  // apply's state writes, and the action's outcome (with the id) is durable already.
  void managed(const std::string& phone_number, const std::string& phone_number_id) override;
  void flush_managed();
  void batch_intent(const std::string& name, int chunk, const std::string& digest,
                    const std::string& idempotency_key) override;
  void batch_outcome(const std::string& name, int chunk, const std::string& status,
                     const std::string& batch_id, long long calls_initiated) override;

 private:
  state::Store& store_;
  std::int64_t target_, run_;
  Clock& clock_;
  static constexpr std::size_t kManagedBatch = 64;
  std::mutex managed_mutex_;
  std::vector<state::ManagedNumber> managed_;
};

}  // namespace xs

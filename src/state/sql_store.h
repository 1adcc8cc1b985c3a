#pragma once
// Private to state/: the Store logic both backends share, over a Db; the locks are theirs.
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "state/db.h"
#include "state/store.h"

namespace xs::state {

class SqlStore : public Store {
 public:
  // label starts messages ("state file /x/state.db"); where is display_location's text.
  SqlStore(std::unique_ptr<Db> db, std::string where, std::string label, bool read_only);

  std::string where() const override { return where_; }
  std::int64_t target(const std::string& api_url, const std::string& key_fingerprint) override;
  std::optional<std::int64_t> find_target(const std::string& api_url,
                                          const std::string& key_fingerprint) override;
  StateView view(std::int64_t target) override;
  std::int64_t begin_run(std::int64_t target, const std::string& command,
                         const std::string& now) override;
  void finish_run(std::int64_t run, RunOutcome outcome, const std::string& now) override;
  std::int64_t record_intent(std::int64_t run, const ActionIntent& intent,
                             const std::string& now) override;
  std::vector<std::int64_t> record_intents(std::int64_t run,
                                           const std::vector<ActionIntent>& intents,
                                           const std::string& now) override;
  void record_outcome(std::int64_t action, Outcome outcome, const std::string& error,
                      const std::string& phone_number_id, const std::string& now) override;
  void record_outcomes(const std::vector<OutcomeRecord>& outcomes) override;
  std::vector<ActionRecord> unfinished_actions(std::int64_t target) override;
  void mark_managed_many(std::int64_t target, const std::vector<ManagedNumber>& numbers,
                         const std::string& now) override;
  std::vector<ManagedNumber> managed_numbers(std::int64_t target) override;
  void record_call_intent(std::int64_t target, std::int64_t run, const std::string& campaign,
                          const std::string& campaign_digest, const std::vector<CallIntent>& calls,
                          const std::string& request_key, const std::string& now,
                          const std::string& lock_token) override;
  void record_call_outcome(std::int64_t target, const std::string& campaign,
                           const std::string& request_key, CallStatus status,
                           const std::string& batch_id, const std::string& note,
                           const std::string& now) override;
  void record_calls(std::int64_t target, const std::string& campaign,
                    const std::vector<CallRecord>& records, const std::string& now) override;
  void upgrade_campaign(std::int64_t target, const std::string& campaign,
                        const std::vector<CallRecord>& records, const std::string& now) override;
  std::vector<CallRecord> campaign_calls(std::int64_t target, const std::string& campaign) override;
  std::vector<BatchChunkRecord> batch_chunks(std::int64_t target, const std::string& name) override;
  std::vector<RoutingSnapshot> snapshots(std::int64_t target) override;
  void record_routing_after(std::int64_t target, const std::string& phone_number,
                            const TwilioRouting& after, const std::string& now) override;
  void record_routings_after(std::int64_t target,
                             const std::vector<std::pair<std::string, TwilioRouting>>& after,
                             const std::string& now) override;
  void record_fallback(std::int64_t target, const std::string& phone_number,
                       const ProbationFallback& fallback) override;
  void mark_rolled_back(std::int64_t target, const std::string& phone_number, bool rolled_back,
                        const std::string& now) override;
  std::vector<TargetRecord> targets() override;
  std::vector<RunRecord> runs(std::int64_t target, int limit) override;
  std::vector<ActionRecord> actions_of(std::int64_t run) override;
  void check_lock(std::int64_t target, const std::string& token) override;
  StateDump dump() override;
  void load(const StateDump& dump, bool replace) override;

 protected:
  // Runs f() under the mutex; a DbError becomes a StateError naming the state and op.
  template <class F>
  auto locked(const char* op, F&& f) -> decltype(f()) {
    std::lock_guard<std::mutex> guard(mu_);
    try {
      return f();
    } catch (const DbError& e) {
      throw StateError(label_ + ": " + op + ": " + e.what());
    }
  }
  // StateError when opened read-only.
  void writable(const char* op) const;
  // The tables present (read-only use of an older schema reads what it has).
  bool has_table(const std::string& name) const { return tables_.count(name) > 0; }
  void set_tables(std::set<std::string> tables) { tables_ = std::move(tables); }
  // LockLost unless token holds target's lock; call under the mutex, inside a transaction.
  virtual void check_lock_locked(std::int64_t target, const std::string& token) = 0;
  // After load() wrote rows with their ids (PostgreSQL moves its sequences past them).
  virtual void after_load() {}
  // Throws StateError (LockLost if lost) with label_ and what.
  [[noreturn]] void fail(const std::string& what, bool lost = false) const {
    if (lost) throw LockLost(label_ + ": " + what);
    throw StateError(label_ + ": " + what);
  }

  std::unique_ptr<Db> db_;
  const std::string where_, label_;
  const bool read_only_;

 private:
  std::mutex mu_;
  std::set<std::string> tables_;
};

// Readers for one target, called under the store's mutex (journal, batches, snapshots.cpp).
std::vector<ManagedNumber> read_managed(Db& db, std::int64_t target);
std::vector<ActionRecord> read_all_actions(Db& db);  // every target's, by id
// name nullptr: every batch of the target, by name then chunk.
std::vector<BatchChunkRecord> read_chunks(Db& db, std::int64_t target, const std::string* name);
// with_fallback: the state has the probation fallback's columns (else they read as Untouched).
std::vector<RoutingSnapshot> read_snapshots(Db& db, std::int64_t target, bool with_fallback);
// campaign nullptr: every campaign's ledger rows of the target (ledger.cpp).
std::vector<CallRecord> read_calls(Db& db, std::int64_t target, const std::string* campaign);
// Inserts a snapshot row (its taken_at, or now); an existing one is replaced only if replace.
void write_snapshot(Db& db, std::int64_t target, const RoutingSnapshot& s, bool replace,
                    const std::string& now);
// write_snapshot's statement with the target given as the SQL `target` and the snapshot's
// values as ?first on (snapshot_values), to embed in a larger statement.
std::string snapshot_insert_sql(const std::string& target, int first, bool replace);
Params snapshot_values(const RoutingSnapshot& s, const std::string& now);

// The snapshot routing columns, before_ and after_ of each (snapshots.cpp).
const std::vector<std::pair<std::string, std::string TwilioRouting::*>>& routing_columns();

}  // namespace xs::state

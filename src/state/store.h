#pragma once
// The state database: the tool's memory and journal (DESIGN §5). SQLite types stay in state/.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/state_view.h"

namespace xs::state {

struct StateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunRecord {
  std::int64_t id = 0;
  std::string api_url;
  std::string command;
  std::string started_at;   // ISO-8601 UTC, as given by the caller's clock
  std::string finished_at;  // empty while running (or if the run was killed)
  std::string outcome;      // "running" | "ok" | "failed" | "refused" | ...
};

struct ActionIntent {
  std::string kind;           // "import" | "assign" | "batch"
  std::string phone_number;   // or the batch name for batches
  std::string detail;         // human text, never a secret: "agent_x -> agent_y"
  std::string idempotency_key;
};

struct ActionRecord {
  std::int64_t id = 0;
  std::int64_t run_id = 0;
  std::string kind, phone_number, detail, idempotency_key;
  std::string outcome;        // "pending" (intent written, no outcome) | "ok" | "failed" | "unknown"
  std::string error;
  std::string phone_number_id;
  std::string started_at, finished_at;
};

struct ManagedNumber {
  std::string phone_number;
  std::string phone_number_id;  // empty if not known
  std::string first_seen, last_applied;
};

// One chunk of a named batch-call campaign (DESIGN §6); a campaign may be sent in chunks.
struct BatchChunkRecord {
  std::string name;
  int chunk = 0;
  std::string digest;           // content digest of this chunk
  std::string status;           // "pending" (intent written) | "sent" | "unknown" | "failed"
  std::string batch_id;         // empty until sent
  long long calls_initiated = 0;
  std::string idempotency_key;
  std::string created_at, updated_at;
};

struct TargetRecord {
  std::int64_t id = 0;
  std::string api_url;
  std::string key_fingerprint;
  int managed_numbers = 0;
  int runs = 0;
};

struct LockHolder {
  int pid = 0;
  std::string host;
  std::string since;
};

struct LockResult {
  enum class Kind { Acquired, TakenOver, Held } kind = Kind::Acquired;
  LockHolder holder;  // Held: who holds it; TakenOver: whose stale lock was taken
};

// Never a secret in here: the Store keeps only what callers pass it. A target is named by its
// API URL and a fingerprint of the key that the caller computes; the key itself never arrives.
// Safe to share between threads of one process (one connection behind a mutex); several
// processes may open the same file (WAL, busy timeout, IMMEDIATE transactions for writes).
class Store {
 public:
  // Opens or creates the file (and its folder), WAL, busy timeout, migrates the schema forward.
  // Throws StateError with a clear message (path and reason) on failure.
  explicit Store(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The target row for (api_url, key_fingerprint), created on first use.
  std::int64_t target(const std::string& api_url, const std::string& key_fingerprint);
  // What the planner needs: numbers once managed here, batches recorded here. A batch is
  // "unknown" if any chunk is unknown or pending, "sent" if all are sent, else "failed".
  StateView view(std::int64_t target);

  // A new run with outcome "running", stamped with this process's pid and host name.
  std::int64_t begin_run(std::int64_t target, const std::string& command, const std::string& now);
  // Sets the outcome and end time of a run; throws StateError if the run does not exist.
  void finish_run(std::int64_t run, const std::string& outcome, const std::string& now);

  // Journal: the intent is durable (committed) before this returns; the request goes after.
  std::int64_t record_intent(std::int64_t run, const ActionIntent& intent, const std::string& now);
  // Writes an action's outcome (anything but "pending"); throws StateError for an unknown action.
  void record_outcome(std::int64_t action, const std::string& outcome, const std::string& error,
                      const std::string& phone_number_id, const std::string& now);
  // Actions of this target whose outcome was never written (a killed run), oldest first.
  std::vector<ActionRecord> unfinished_actions(std::int64_t target);

  // The tool imported or assigned this number here; remembers its id.
  void mark_managed(std::int64_t target, const std::string& phone_number,
                    const std::string& phone_number_id, const std::string& now);
  // The same for many numbers in one transaction (an empty id keeps the one already known).
  void mark_managed_many(std::int64_t target, const std::vector<ManagedNumber>& numbers,
                         const std::string& now);
  // Every number managed here for this target, by phone number, with its id and dates.
  std::vector<ManagedNumber> managed_numbers(std::int64_t target);

  // Batches: the intent (status "pending") is durable before the request is sent. Recording an
  // intent again for the same chunk (an explicit resubmit) resets it to "pending".
  void record_batch_intent(std::int64_t target, const std::string& name, int chunk,
                           const std::string& digest, const std::string& idempotency_key,
                           const std::string& now);
  // status: "sent" | "unknown" | "failed". Throws StateError if no intent was recorded.
  void record_batch_outcome(std::int64_t target, const std::string& name, int chunk,
                            const std::string& status, const std::string& batch_id,
                            long long calls_initiated, const std::string& now);
  // The chunks of one named batch of this target, by chunk number.
  std::vector<BatchChunkRecord> batch_chunks(std::int64_t target, const std::string& name);

  // Every target with its counts of managed numbers and runs, by id.
  std::vector<TargetRecord> targets();

  // Newest first. target 0 = every target; limit <= 0 = no limit.
  std::vector<RunRecord> runs(std::int64_t target, int limit);
  // The actions of one run, in the order they were recorded.
  std::vector<ActionRecord> actions_of(std::int64_t run);

  // One apply at a time per state file. A lock whose holder is on this host and not alive
  // (per pid_alive) is taken over; one already held by (pid, host) is Acquired again.
  // Acquisition is atomic across processes (IMMEDIATE transaction).
  LockResult acquire_lock(int pid, const std::string& host, const std::string& now,
                          const std::function<bool(int)>& pid_alive);
  // Removes the lock only if pid holds it.
  void release_lock(int pid);
  // Who holds the lock, if anyone.
  std::optional<LockHolder> lock_holder();
  // Removes the lock whoever holds it (`state unlock --force`).
  void force_unlock();

  // The schema version of the open file (PRAGMA user_version).
  int schema_version();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xs::state

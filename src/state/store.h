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

struct LockHolder {
  int pid = 0;
  std::string host;
  std::string since;
};

struct LockResult {
  enum class Kind { Acquired, TakenOver, Held } kind = Kind::Acquired;
  LockHolder holder;  // Held: who holds it; TakenOver: whose stale lock was taken
};

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
  // What the planner needs: numbers once managed here, batches recorded here.
  StateView view(std::int64_t target);

  std::int64_t begin_run(std::int64_t target, const std::string& command, const std::string& now);
  void finish_run(std::int64_t run, const std::string& outcome, const std::string& now);

  // Journal: the intent is durable (committed) before this returns; the request goes after.
  std::int64_t record_intent(std::int64_t run, const ActionIntent& intent, const std::string& now);
  void record_outcome(std::int64_t action, const std::string& outcome, const std::string& error,
                      const std::string& phone_number_id, const std::string& now);
  // Actions of this target whose outcome was never written (a killed run), oldest first.
  std::vector<ActionRecord> unfinished_actions(std::int64_t target);

  // The tool imported or assigned this number here; remembers its id.
  void mark_managed(std::int64_t target, const std::string& phone_number,
                    const std::string& phone_number_id, const std::string& now);

  // Newest first. target 0 = every target.
  std::vector<RunRecord> runs(std::int64_t target, int limit);
  std::vector<ActionRecord> actions_of(std::int64_t run);

  // One apply at a time per state file. A lock whose holder is on this host and not alive
  // (per pid_alive) is taken over. Acquisition is atomic (IMMEDIATE transaction).
  LockResult acquire_lock(int pid, const std::string& host, const std::string& now,
                          const std::function<bool(int)>& pid_alive);
  void release_lock(int pid);
  std::optional<LockHolder> lock_holder();
  void force_unlock();

  int schema_version();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xs::state

#pragma once
// One apply or rollback at a time per target (docs/DESIGN.md §5), held for this object's scope.
#include <cstdint>
#include <functional>
#include <string>

#include "state/store.h"
#include "util/clock.h"

namespace xs::sync {

// Who this process is, for the lock record and for telling a dead holder from a live one.
struct Identity {
  int pid = 0;
  std::string host;
  std::function<bool(int)> pid_alive;  // true when a process of this host is alive
};

// "pid 123 on host since 2026-11-29T10:00:00Z"
std::string describe(const state::LockHolder& holder);

class RunLock {
 public:
  // Takes the lock, or SyncError(Locked) naming the holder; warns when it takes over a lock
  // whose process is gone.
  RunLock(state::Store& store, std::int64_t target, const Identity& identity, Clock& clock);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  // This holder's token (the journal checks it before each campaign send).
  const std::string& token() const { return token_; }
  // SyncError(Failed) when the lock is no longer ours (forced away, connection lost): the run
  // stops before its next phase.
  void check(const std::string& before_what);

 private:
  state::Store& store_;
  std::int64_t target_;
  std::string token_;
};

// What runs killed while holding the lock left behind (only call it holding the lock): their
// pending journal entries become Unknown (the live list, not the journal, settles them) and
// the runs Interrupted, with a warning. True when it changed anything.
bool settle_interrupted_runs(state::Store& store, std::int64_t target, std::int64_t current_run,
                             Clock& clock);

}  // namespace xs::sync

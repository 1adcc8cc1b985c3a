#pragma once
// One apply at a time per state file (DESIGN §5), held for the scope of this object.
#include "state/store.h"

namespace xs::cli {

class ApplyLock {
 public:
  // Takes the lock or throws CommandError(4) naming the holder; warns when it takes over a
  // lock whose process is gone.
  ApplyLock(state::Store& store, const std::string& state_path);
  ~ApplyLock();
  ApplyLock(const ApplyLock&) = delete;
  ApplyLock& operator=(const ApplyLock&) = delete;

 private:
  state::Store& store_;
  int pid_;
};

// What runs killed while holding the lock left behind (only call it holding the lock): their
// pending journal entries become "unknown" (the live list, not the journal, settles them) and
// the runs "interrupted", with a warning.
void settle_interrupted_runs(state::Store& store, std::int64_t target, std::int64_t current_run);

// This machine's host name.
std::string host_name();

}  // namespace xs::cli

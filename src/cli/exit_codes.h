#pragma once
// Exit codes, the same for every command (docs/DESIGN.md §3).
#include "sync/errors.h"

namespace xs::cli {

enum Exit : int {
  kOk = 0,          // success, or no changes
  kFailed = 1,      // an API or apply failure (what succeeded is recorded)
  kChanges = 2,     // the plan has changes (plan --detailed-exitcode)
  kInvalid = 3,     // invalid input or usage
  kLocked = 4,      // another run holds the lock
  kRefused = 5,     // refused by a safety check
};

// The exit code of an engine stop.
inline int exit_code_of(const sync::SyncError& e) {
  switch (e.kind) {
    case sync::Stop::Invalid: return kInvalid;
    case sync::Stop::Failed: return kFailed;
    case sync::Stop::Locked: return kLocked;
    case sync::Stop::Refused: return kRefused;
  }
  return kFailed;
}

}  // namespace xs::cli

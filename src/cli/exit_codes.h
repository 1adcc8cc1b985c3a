#pragma once
// Exit codes, the same for every command (DESIGN §3).
namespace xs::cli {

enum Exit : int {
  kOk = 0,          // success, or no changes
  kFailed = 1,      // an API or apply failure (what succeeded is recorded)
  kChanges = 2,     // the plan has changes (plan --detailed-exitcode)
  kInvalid = 3,     // invalid input or usage
  kLocked = 4,      // another run holds the lock
  kRefused = 5,     // refused by a safety check
};

}  // namespace xs::cli

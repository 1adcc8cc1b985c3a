#pragma once
// Why the engine stopped a command before or instead of applying; the command line maps each
// kind to its exit code (docs/DESIGN.md §3).
#include <stdexcept>
#include <string>

namespace xs::sync {

enum class Stop {
  Invalid,  // bad input: the mapping, an option, a plan file (exit 3)
  Failed,   // the API or the state failed (exit 1)
  Locked,   // another run holds the lock (exit 4)
  Refused,  // a safety check refused the plan (exit 5)
};

struct SyncError : std::runtime_error {
  SyncError(Stop kind, const std::string& message) : std::runtime_error(message), kind(kind) {}
  Stop kind;
};

}  // namespace xs::sync

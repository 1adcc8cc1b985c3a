#include "cli/lock.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "cli/exit_codes.h"
#include "cli/options.h"
#include "util/clock.h"
#include "util/log.h"

namespace xs::cli {
namespace {

bool pid_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

std::string describe(const state::LockHolder& h) {
  return "pid " + std::to_string(h.pid) + " on " + h.host + " since " + h.since;
}

}  // namespace

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

ApplyLock::ApplyLock(state::Store& store, const std::string& state_path)
    : store_(store), pid_(static_cast<int>(::getpid())) {
  auto r = store.acquire_lock(pid_, host_name(), system_clock().now_iso(), pid_alive);
  using Kind = state::LockResult::Kind;
  if (r.kind == Kind::Held)
    throw CommandError(kLocked, "another apply holds the lock on " + state_path + ": " +
                                    describe(r.holder) +
                                    " (if that run is gone: xuna-sync state unlock --force)");
  if (r.kind == Kind::TakenOver)
    log_warn("took over the lock of a run that is gone (" + describe(r.holder) + ")");
}

ApplyLock::~ApplyLock() {
  try {
    store_.release_lock(pid_);
  } catch (const std::exception& e) {
    log_warn(std::string("could not release the lock: ") + e.what());
  }
}

}  // namespace xs::cli

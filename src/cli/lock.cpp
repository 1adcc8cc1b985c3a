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

void settle_interrupted_runs(state::Store& store, std::int64_t target, std::int64_t current_run) {
  const std::string now = system_clock().now_iso();
  std::size_t actions = 0;
  for (const auto& a : store.unfinished_actions(target)) {
    if (a.run_id == current_run) continue;
    store.record_outcome(a.id, "unknown",
                         "interrupted: run #" + std::to_string(a.run_id) +
                             " ended before the answer; run #" + std::to_string(current_run) +
                             " went by the live list",
                         "", now);
    ++actions;
  }
  for (const auto& r : store.runs(target, 0)) {
    if (r.id == current_run || r.outcome != "running") continue;
    store.finish_run(r.id, "interrupted", now);
    log_warn("run #" + std::to_string(r.id) + " (" + r.command + ", started " + r.started_at +
             ") was interrupted" +
             (actions ? "; " + std::to_string(actions) + " of its actions had no answer" : "") +
             ": this run re-checks them against the live list");
    actions = 0;
  }
}

ApplyLock::~ApplyLock() {
  try {
    store_.release_lock(pid_);
  } catch (const std::exception& e) {
    log_warn(std::string("could not release the lock: ") + e.what());
  }
}

}  // namespace xs::cli

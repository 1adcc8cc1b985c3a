#include "sync/lock.h"

#include "sync/errors.h"
#include "util/log.h"

namespace xs::sync {

std::string describe(const state::LockHolder& h) {
  return "pid " + std::to_string(h.pid) + " on " + h.host + " since " + h.since;
}

RunLock::RunLock(state::Store& store, std::int64_t target, const Identity& identity, Clock& clock)
    : store_(store), target_(target) {
  auto r = store.acquire_lock(target, identity.pid, identity.host, clock.now_iso(),
                              identity.pid_alive);
  using Kind = state::LockResult::Kind;
  if (r.kind == Kind::Held)
    throw SyncError(Stop::Locked, "another apply holds the lock on " + store.where() + ": " +
                                      describe(r.holder) +
                                      " (if that run is gone: xuna-sync state unlock --force)");
  if (r.kind == Kind::TakenOver)
    log_warn("took over the lock of a run that is gone (" + describe(r.holder) + ")");
  token_ = r.token;
}

void RunLock::check(const std::string& before_what) {
  try {
    store_.check_lock(target_, token_);
  } catch (const state::LockLost& e) {
    throw SyncError(Stop::Failed, std::string("lost the lock before ") + before_what + ": " +
                                      e.what() + "; stopped, nothing more was sent");
  }
}

RunLock::~RunLock() {
  try {
    store_.release_lock(target_, token_);
  } catch (const std::exception& e) {
    log_warn(std::string("could not release the lock: ") + e.what());
  }
}

bool settle_interrupted_runs(state::Store& store, std::int64_t target, std::int64_t current_run,
                             Clock& clock) {
  const std::string now = clock.now_iso();
  std::size_t actions = 0;
  bool changed = false;
  for (const auto& a : store.unfinished_actions(target)) {
    if (a.run_id == current_run) continue;
    store.record_outcome(a.id, Outcome::Unknown,
                         "interrupted: run #" + std::to_string(a.run_id) +
                             " ended before the answer; run #" + std::to_string(current_run) +
                             " went by the live list",
                         "", now);
    ++actions;
    changed = true;
  }
  for (const auto& r : store.runs(target, 0)) {
    if (r.id == current_run || r.outcome != RunOutcome::Running) continue;
    store.finish_run(r.id, RunOutcome::Interrupted, now);
    changed = true;
    log_warn("run #" + std::to_string(r.id) + " (" + r.command + ", started " + r.started_at +
             ") was interrupted" +
             (actions ? "; " + std::to_string(actions) + " of its actions had no answer" : "") +
             ": this run re-checks them against the live list");
    actions = 0;
  }
  return changed;
}

}  // namespace xs::sync

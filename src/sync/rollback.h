#pragma once
// Rollback (docs/DESIGN.md §9): put numbers' Twilio routing back as their snapshots hold it, or
// (undo) back at XUNA as it was seen after the cut-over. Under the lock, journaled, idempotent:
// a number already routed as wanted is left alone. Compare-and-set: a rollback restores only a
// number routed as the cut-over left it; one re-routed since is left alone (Moved) unless forced.
// The XUNA record stays (no delete exists).
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "model/desired.h"
#include "model/rollback.h"
#include "model/routing.h"
#include "state/store.h"
#include "sync/lock.h"
#include "sync/twilio_source.h"
#include "util/clock.h"

namespace xs::sync {

struct RollbackRequest {
  Desired desired;                   // for the accounts and their credentials
  std::vector<std::string> numbers;  // E.164; empty with all
  bool all = false;  // every number of desired whose snapshot the state holds
  bool undo = false;  // re-point at XUNA instead
  // Restore also numbers re-routed by hand since the cut-over (their routing now is journaled
  // first as the routing an undo brings back).
  bool force = false;
  std::function<bool(const std::string&)> excluded;  // --exclude: numbers left alone
  std::size_t parallelism = 8;
  const std::atomic<bool>* stop = nullptr;
};

struct RollbackHooks {
  std::function<void(const std::vector<RollbackItem>&)> planned;   // show what will change
  std::function<bool(const std::vector<RollbackItem>&)> approve;  // true to go ahead
};

struct RollbackResult {
  std::vector<RollbackItem> items;
  RunOutcome outcome = RunOutcome::Ok;
  bool cancelled = false;
};

// SyncError(Locked) when another run holds the lock; (Invalid) when no number is named.
RollbackResult run_rollback(state::Store& store, TwilioSource& twilio, Clock& clock,
                            const Identity& identity, const std::string& api_url,
                            const std::string& key_fingerprint, RollbackRequest request,
                            const RollbackHooks& hooks);

}  // namespace xs::sync

#pragma once
// The apply session (cf. octoDNS's Manager.sync, ninja's Builder): handed its API clients, its
// state and its clock, it runs target -> lock -> begin run -> settle interrupted runs -> view
// -> gather and plan -> saved-plan check -> guards -> approval -> apply -> cut-over check ->
// remember managed -> finish, in that order.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "apply/apply.h"
#include "plan/guards.h"
#include "plan/saved.h"
#include "state/store.h"
#include "sync/cutover.h"
#include "sync/gather.h"
#include "sync/lock.h"
#include "sync/twilio_source.h"
#include "util/clock.h"
#include "xuna/api.h"

namespace xs::sync {

struct SavedPlan {
  std::string path;
  PlanHeader header;
  Plan plan;
};

struct ApplyRequest {
  Desired desired;
  GatherOptions gather;
  GuardOptions guards;
  std::size_t parallelism = 8;
  std::optional<SavedPlan> saved;  // apply exactly this reviewed plan, or nothing
  std::string xuna_origin;         // where Twilio must send calls after a cut-over
  const std::atomic<bool>* stop = nullptr;  // set by a signal: stop sending
  double deadline_at = 0;  // the clock's monotonic seconds: no request starts after; 0 = none
  // When set, the mapping's numbers are still being checked: called once the run holds the
  // lock and Twilio's list is on its way, it waits for the checks and throws when the mapping
  // has errors (nothing is recorded then); with the lock held by another run, it is called
  // before SyncError(Locked), whose exit code a mapping error takes precedence over.
  std::function<void()> mapping_checked;
};

// What the command line does at the session's visible steps.
struct ApplyHooks {
  std::function<void(const Planned&)> planned;   // the plan is known (print it, metrics)
  std::function<bool(const Planned&)> approve;   // true to go ahead
  std::function<void(std::size_t done, std::size_t total, std::size_t failed)> progress;
};

struct ApplyResult {
  Planned planned;
  ApplyReport report;
  std::vector<RoutingCheck> routing;  // the cut-over check of this run's imports
  std::vector<FallbackResult> fallbacks;  // the probation fallbacks set or cleared (issue 22)
  RunOutcome outcome = RunOutcome::Ok;
  bool cancelled = false;             // not approved: nothing was done
  bool success() const { return outcome == RunOutcome::Ok; }
};

class ApplySession {
 public:
  ApplySession(state::Store& store, XunaApi& xuna, TwilioSource& twilio, Clock& clock,
               Identity identity, Target target)
      : store_(store), xuna_(xuna), twilio_(twilio), clock_(clock),
        identity_(std::move(identity)), target_(std::move(target)) {}

  // SyncError(Locked) when another run holds the lock, (Refused) for a stale saved plan or a
  // guard, (Failed) when XUNA cannot be listed or the lock is lost; the run is recorded with
  // its outcome whatever happens.
  ApplyResult run(ApplyRequest request, const ApplyHooks& hooks);

 private:
  state::Store& store_;
  XunaApi& xuna_;
  TwilioSource& twilio_;
  Clock& clock_;
  Identity identity_;
  Target target_;
};

// The plan of a read-only command (plan): no lock, no run, the state only read.
Planned plan_only(state::Store* store, XunaApi& xuna, TwilioSource& twilio, Clock& clock,
                  const Target& target, Desired desired, const GatherOptions& options);

// Every mapped number that is now in XUNA is managed by this tool (for orphan detection).
// journaled: the run's journal marked the numbers its successes named (StoreJournal::managed)
// and was written without a failure; only the others are marked here.
void remember_managed(state::Store& store, std::int64_t target, const Planned& planned,
                      const ApplyReport& report, Clock& clock, bool journaled = false);

}  // namespace xs::sync

#pragma once
// Safety checks on a plan before anything is sent (docs/DESIGN.md §3): a bad merge must not re-route
// a call centre.
#include <optional>
#include <string>

#include "model/live.h"
#include "plan/plan.h"

namespace xs {

struct GuardOptions {
  std::optional<int> max_changes;      // refuse plans with more actions than this
  double max_reassign_percent = 30;    // of the live numbers that have an agent
  int reassign_min_assigned = 10;      // the reassignment guard applies from this many
  bool force = false;                  // lifts the reassignment guard
};

// Why the plan is refused, or nullopt when it may go ahead.
std::optional<std::string> check_guards(const Plan& plan, const LiveList& live,
                                        const GuardOptions& options);

}  // namespace xs

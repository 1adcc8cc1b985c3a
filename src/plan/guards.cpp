#include "plan/guards.h"

#include <cstdio>

namespace xs {

std::optional<std::string> check_guards(const Plan& plan, const LiveList& live,
                                        const GuardOptions& options) {
  const int actions = static_cast<int>(plan.actions.size());
  if (options.max_changes && actions > *options.max_changes) {
    return "the plan has " + std::to_string(actions) + " actions, more than --max-changes " +
           std::to_string(*options.max_changes) +
           "; review it, then raise --max-changes if it is what you want";
  }
  if (options.force) return std::nullopt;
  int assigned = 0;
  for (const auto& n : live) assigned += n.agent_id.has_value();
  int moved = 0;
  for (const auto& a : plan.actions)
    moved += a.kind == ActionKind::Assign && a.before.has_value() && *a.before != a.agent_id;
  if (assigned < options.reassign_min_assigned || moved == 0) return std::nullopt;
  const double percent = 100.0 * moved / assigned;
  if (percent <= options.max_reassign_percent) return std::nullopt;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "the plan moves %d of the %d numbers that have an agent to another agent "
                "(%.0f%%, more than %g%%); check the agent aliases, then use --force or "
                "--max-reassign-percent if it is what you want",
                moved, assigned, percent, options.max_reassign_percent);
  return std::string(buf);
}

}  // namespace xs

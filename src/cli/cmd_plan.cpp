#include <sys/stat.h>

#include <memory>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/planning.h"
#include "cli/run_metrics.h"
#include "state/store.h"

namespace xs::cli {

int run_plan(const Options& options) {
  RunMetricsFile metrics(options);
  if (!options.positional.empty())
    throw UsageError("plan takes no arguments (mapping files go after -f)");
  // plan only reads the state: it does not create a state file that is not there.
  const std::string path = state_path(options);
  struct stat st {};
  std::unique_ptr<state::Store> store;
  if (::stat(path.c_str(), &st) == 0) store = std::make_unique<state::Store>(path);
  Planned p = make_planned(options, [&](const Remote& remote) {
    return store ? store->view(store->target(remote.url, remote.key_fingerprint)) : StateView{};
  });
  metrics.planned(p);
  print_plan(options, p);
  if (auto refused = check_guards(p.plan, p.live, guard_options(options)))
    throw CommandError(kRefused, "apply would refuse this plan: " + *refused);
  if (!p.plan.errors.empty()) return kFailed;
  return options.detailed_exitcode && p.plan.has_changes() ? kChanges : kOk;
}

}  // namespace xs::cli

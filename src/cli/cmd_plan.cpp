#include <future>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "cli/run_metrics.h"
#include "cli/show.h"
#include "plan/guards.h"
#include "state/store.h"
#include "sync/session.h"
#include "util/clock.h"

namespace xs::cli {

int run_plan(const Options& options) {
  RunMetricsFile metrics(options);
  if (!options.positional.empty())
    throw UsageError("plan takes no arguments (mapping files go after -f)");
  std::future<Remote> connecting = connect_xuna_async(options);  // beside the mapping's read
  Desired desired = load_desired(options);
  Remote remote = connecting.get();
  // plan only reads the state: never creates, migrates or locks it (a read-only file works).
  std::unique_ptr<state::Store> store;
  if (state_exists(options)) store = open_state(options, state::OpenMode::ReadOnly);
  EnvTwilio twilio(options);
  sync::GatherOptions gather = gather_options(options, remote.url);
  gather.check_routing = true;
  sync::Planned p = sync::plan_only(store.get(), *remote.api, twilio, system_clock(),
                                    {remote.url, remote.key_fingerprint}, std::move(desired),
                                    gather);
  metrics.planned(p);
  print_plan(options, p);
  // In a GitHub Actions job, the plan goes to the job's summary page too.
  const std::string summary = env("GITHUB_STEP_SUMMARY");
  if (!summary.empty()) append_step_summary(summary, plan_markdown(options, p));
  if (auto refused = check_guards(p.plan, p.live, guard_options(options)))
    throw CommandError(kRefused, "apply would refuse this plan: " + *refused);
  if (!p.plan.errors.empty()) return kFailed;
  return options.detailed_exitcode && p.plan.has_pending() ? kChanges : kOk;
}

}  // namespace xs::cli

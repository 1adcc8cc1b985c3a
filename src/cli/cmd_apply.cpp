#include <unistd.h>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "apply/store_journal.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/lock.h"
#include "cli/planning.h"
#include "cli/progress.h"
#include "cli/render.h"
#include "cli/run_metrics.h"
#include "plan/saved.h"
#include "report/apply_json.h"
#include "state/store.h"
#include "util/clock.h"
#include "util/log.h"

namespace xs::cli {
namespace {

// Asks on the terminal; true only for "yes".
bool confirm() {
  std::cerr << "\nDo you want to apply these changes? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

// Every mapped number that is now in XUNA is managed by this tool (for orphan detection).
void remember_managed(state::Store& store, std::int64_t target, const Planned& p,
                      const ApplyReport& report) {
  std::map<std::string, std::string> ids;
  for (const auto& n : p.live) ids[n.phone_number] = n.phone_number_id;
  for (const auto& r : report.results)
    if (r.outcome == Outcome::Ok && !r.phone_number_id.empty())
      ids[r.action.phone_number] = r.phone_number_id;
  std::vector<state::ManagedNumber> managed;
  for (const auto& n : p.desired.numbers) {
    auto it = ids.find(n.phone_number);
    if (it != ids.end()) managed.push_back({n.phone_number, it->second, "", ""});
  }
  store.mark_managed_many(target, managed, system_clock().now_iso());
}

// Reads a plan saved by `plan --out`; CommandError(3) when it cannot be read or is not one.
Plan read_saved_plan(const std::string& path, PlanHeader& header) {
  std::ifstream f(path);
  if (!f) throw CommandError(kInvalid, "cannot read plan file " + path);
  std::ostringstream text;
  text << f.rdbuf();
  try {
    return plan_from_json(text.str(), header);
  } catch (const std::exception& e) {
    throw CommandError(kInvalid, path + ": " + e.what());
  }
}

// Why a saved plan may not be applied now (exit 5), or an empty string; narrows p.plan to the
// saved plan's own actions.
std::string check_saved(const std::string& path, const PlanHeader& header, const Plan& saved,
                        Planned& p) {
  if (header.api_url != p.remote.url || header.key_fingerprint != p.remote.key_fingerprint)
    return "plan file " + path + " was made for another target (" + header.api_url +
           "); nothing was done";
  if (header.mapping_digest != p.header.mapping_digest)
    return "the mapping changed since " + path + " was made; run plan again; nothing was done";
  SavedPlanCheck check = check_saved_plan(saved, p.plan);
  if (!check.moved.empty()) {
    std::string why = "plan file " + path + " is stale, nothing was done; what moved:";
    for (const auto& m : check.moved) why += "\n  " + m;
    return why;
  }
  p.plan = std::move(check.to_apply);
  return {};
}

}  // namespace

int run_apply(const Options& options) {
  RunMetricsFile metrics(options);
  if (options.positional.size() > 1) throw UsageError("apply takes at most one plan file");
  const std::string plan_file = options.positional.empty() ? "" : options.positional[0];
  PlanHeader saved_header;
  Plan saved;
  if (!plan_file.empty()) saved = read_saved_plan(plan_file, saved_header);
  // A saved plan was reviewed already; anything else needs approval.
  if (plan_file.empty() && !options.auto_approve && !isatty(0))
    throw CommandError(kInvalid, "refusing to apply without --auto-approve: there is no terminal "
                                 "to ask for approval on (cron, CI); nothing was done");
  const std::string path = state_path(options);
  state::Store store(path);
  std::int64_t target = 0, run = 0;
  std::unique_ptr<ApplyLock> lock;
  auto finish = [&](const std::string& outcome) {
    if (run) store.finish_run(run, outcome, system_clock().now_iso());
  };
  Planned p;
  try {
    p = make_planned(options, [&](const Remote& remote) {
      target = store.target(remote.url, remote.key_fingerprint);
      lock = std::make_unique<ApplyLock>(store, path);
      run = store.begin_run(target, "apply", system_clock().now_iso());
      settle_interrupted_runs(store, target, run);
      return store.view(target);
    });
    if (!plan_file.empty()) {
      if (std::string why = check_saved(plan_file, saved_header, saved, p); !why.empty()) {
        finish("refused");
        throw CommandError(kRefused, why);
      }
    }
    metrics.planned(p);
    if (options.format != "json") print_plan(options, p);
    if (auto refused = check_guards(p.plan, p.live, guard_options(options))) {
      finish("refused");
      throw CommandError(kRefused, "refused: " + *refused + "; nothing was done");
    }
    if (!p.plan.has_changes() && p.plan.errors.empty()) {
      remember_managed(store, target, p, {});
      finish("ok");
      if (options.format == "json") std::cout << report_to_json({}, p.remote.url);
      return kOk;
    }
    if (plan_file.empty() && !options.auto_approve && !confirm()) {
      finish("cancelled");
      std::cerr << "Apply cancelled; nothing was done.\n";
      return kOk;
    }
    StoreJournal journal(store, target, run, system_clock());
    Progress progress = make_progress(options.quiet);
    ApplyOptions apply_options;
    apply_options.parallelism = static_cast<std::size_t>(options.parallelism);
    apply_options.target_salt = p.remote.url + "\n" + p.remote.key_fingerprint;
    apply_options.progress = progress.update;
    ApplyReport report = apply_plan(p.plan, *p.remote.api, journal, p.credentials, apply_options);
    metrics.applied(report);
    progress.finish();
    remember_managed(store, target, p, report);
    if (options.format == "json") {
      std::cout << report_to_json(report, p.remote.url);
    } else {
      std::cout << '\n' << render_report(report, style_for(1, options.no_color));
    }
    finish(report.success() ? "ok" : "failed");
    return report.success() ? kOk : kFailed;
  } catch (const CommandError& e) {
    metrics.ended_with(e.code);
    throw;
  } catch (...) {
    finish("failed");
    throw;
  }
}

}  // namespace xs::cli

#include <unistd.h>

#include <iostream>
#include <set>

#include "apply/store_journal.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/lock.h"
#include "cli/planning.h"
#include "cli/progress.h"
#include "cli/render.h"
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

}  // namespace

int run_apply(const Options& options) {
  if (!options.positional.empty())
    throw UsageError("applying a saved plan file is not available in this version");
  if (!options.auto_approve && !isatty(0))
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
      return store.view(target);
    });
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
    if (!options.auto_approve && !confirm()) {
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
    progress.finish();
    remember_managed(store, target, p, report);
    if (options.format == "json") {
      std::cout << report_to_json(report, p.remote.url);
    } else {
      std::cout << '\n' << render_report(report, style_for(1, options.no_color));
    }
    finish(report.success() ? "ok" : "failed");
    return report.success() ? kOk : kFailed;
  } catch (const CommandError&) {
    throw;
  } catch (...) {
    finish("failed");
    throw;
  }
}

}  // namespace xs::cli

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/run_metrics.h"
#include "cli/show.h"
#include "cli/signals.h"
#include "cli/style.h"
#include "report/apply_json.h"
#include "report/escape.h"
#include "report/markdown.h"
#include "report/plan_json.h"
#include "report/text.h"
#include "sync/session.h"
#include "util/clock.h"
#include "util/memory.h"

namespace xs::cli {
namespace {

// Asks on the terminal; true only for "yes".
bool confirm() {
  std::cerr << "\nDo you want to apply these changes? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

// Reads a plan saved by `plan --out`; CommandError(3) when it cannot be read or is not one.
sync::SavedPlan read_saved_plan(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw CommandError(kInvalid, "cannot read plan file " + path);
  std::ostringstream text;
  text << f.rdbuf();
  sync::SavedPlan saved;
  saved.path = path;
  try {
    saved.plan = plan_from_json(text.str(), saved.header);
  } catch (const std::exception& e) {
    throw CommandError(kInvalid, path + ": " + e.what());
  }
  return saved;
}

// The cut-over checks, and the probation fallbacks that could not be settled (issue 22).
std::vector<RoutingResult> routing_results(const std::vector<sync::RoutingCheck>& checks,
                                           const std::vector<sync::FallbackResult>& fallbacks) {
  std::vector<RoutingResult> out;
  for (const auto& c : checks) out.push_back({c.phone_number, c.ok, c.problem});
  for (const auto& f : fallbacks)
    if (f.outcome == Outcome::Failed || f.outcome == Outcome::Unknown)
      out.push_back({f.step.phone_number, false, "probation fallback: " + f.message});
  return out;
}

// One line per probation fallback set, cleared, left alone or not settled.
std::string fallback_lines(const std::vector<sync::FallbackResult>& fallbacks, const Style& s) {
  std::string out;
  for (const auto& f : fallbacks) {
    const bool set = f.step.kind == FallbackStep::Kind::Set;
    const std::string to = printable(mask_url_password(f.step.url));
    if (f.outcome == Outcome::Ok)
      out += (set ? s.green("  + fallback  ") : s.yellow("  - fallback  ")) + f.step.phone_number +
             (set ? "  falls back to " + to +
                        (f.until.empty() ? std::string(", kept") : " until " + f.until)
                  : "  probation ended: no longer falls back to " + to) +
             '\n';
    else if (f.outcome == Outcome::Skipped)
      out += s.yellow("  ! fallback  ") + f.step.phone_number + "  " + printable(f.message) + '\n';
    else
      out += s.red("  x fallback  ") + f.step.phone_number + "  " + printable(f.message) + '\n';
  }
  return out;
}

// The run, the mapping read (its numbers' checks may still be running: the session waits
// for them through request.mapping_checked).
int run_session(const Options& options, RunMetricsFile& metrics, sync::ApplyRequest request,
                std::future<std::unique_ptr<state::Store>>& opening,
                std::future<Remote>& connecting) {
  Remote remote = connecting.get();
  request.gather = gather_options(options, remote.url);
  request.gather.early_list_without_history = true;  // a first apply imports, most likely
  // The pages the plan and the results will take are touched while the lists are on their
  // way: 8 KB a mapped number, at most 8 MB (~22 ms of faults on the bench's VM, within the
  // lists' wait; from the lists to the first import of 1,000 numbers: 22 ms -> 3 ms).
  const std::size_t warm = std::min<std::size_t>(std::size_t{8} << 20,
                                                 8192 * request.desired.numbers.size());
  request.gather.while_listing = [warm] { warm_heap(warm); };
  request.guards = guard_options(options);
  request.parallelism = static_cast<std::size_t>(options.parallelism);
  request.xuna_origin = request.gather.plan.xuna_origin;
  request.stop = stop_on_signals();
  request.deadline_at = options.deadline_at;
  std::unique_ptr<state::Store> store = opening.get();
  EnvTwilio twilio(options);
  sync::ApplySession session(*store, *remote.api, twilio, system_clock(), this_process(),
                             {remote.url, remote.key_fingerprint});
  Progress progress = make_progress(options.quiet);
  const std::string step_summary = env("GITHUB_STEP_SUMMARY");  // a GitHub Actions job's page
  sync::ApplyHooks hooks;
  hooks.planned = [&](const sync::Planned& p) {
    metrics.planned(p);
    if (options.format != "json") print_plan(options, p);
    if (!step_summary.empty()) append_step_summary(step_summary, plan_markdown(options, p));
  };
  hooks.approve = [&](const sync::Planned&) {
    return request.saved || options.auto_approve || confirm();
  };
  hooks.progress = progress.update;
  try {
    sync::ApplyResult result = session.run(std::move(request), hooks);
    progress.finish();
    if (result.cancelled) {
      std::cerr << "Apply cancelled; nothing was done.\n";
      return kOk;
    }
    metrics.applied(result.report, result.routing);
    if (!step_summary.empty())
      append_step_summary(step_summary,
                          report_to_markdown(result.report,
                                             static_cast<std::size_t>(options.markdown_max_bytes)));
    if (options.format == "json") {
      std::cout << report_to_json(result.report, remote.url,
                                  routing_results(result.routing, result.fallbacks),
                                  result.planned.plan.campaigns);
    } else if (!result.report.results.empty() || !result.routing.empty() ||
               !result.fallbacks.empty()) {
      Style s = style_for(1, options.no_color);
      std::cout << '\n' << render_report(result.report, s);
      for (const auto& c : result.routing)
        if (!c.ok) std::cout << s.red("  x routing  ") << c.phone_number << "  " << printable(c.problem) << '\n';
      std::cout << fallback_lines(result.fallbacks, s);
    }
    if (result.outcome == RunOutcome::Interrupted) {
      const int code = signal_exit_code();
      metrics.ended_with(code ? code : kFailed);
      return code ? code : kFailed;
    }
    return result.success() ? kOk : kFailed;
  } catch (const sync::SyncError& e) {
    metrics.ended_with(exit_code_of(e));
    throw;
  } catch (const CommandError& e) {
    metrics.ended_with(e.code);
    throw;
  }
}

}  // namespace

int run_apply(const Options& given) {
  Options options = given;
  RunMetricsFile metrics(options);
  if (options.positional.size() > 1) throw UsageError("apply takes at most one plan file");
  std::optional<sync::SavedPlan> saved;
  if (!options.positional.empty()) {
    saved = read_saved_plan(options.positional[0]);
    // The plan remembers its mapping: apply it from anywhere (the digest still decides).
    if (options.files.empty() && !saved->header.sources.empty()) options.files = saved->header.sources;
    // A plan reviewed with the takeover applies with it: its imports were shown as such.
    if (saved->header.allow_routing_takeover) options.allow_routing_takeover = true;
    // ... and with its selection: what --exclude left out stays out (and --only's choice).
    if (options.only.empty()) options.only = saved->header.only;
    options.exclude.insert(options.exclude.end(), saved->header.exclude.begin(),
                           saved->header.exclude.end());
  }
  // A saved plan was reviewed already; anything else needs approval.
  if (!saved && !options.auto_approve && !isatty(0))
    throw CommandError(kInvalid, "refusing to apply without --auto-approve: there is no terminal "
                                 "to ask for approval on (cron, CI); nothing was done");
  sync::ApplyRequest request;
  // The state opens (a new one is created: ~9 ms of schema and syncs) while the mapping is
  // read; a mapping with errors still ends the run first, with nothing sent but Twilio's
  // list and nothing recorded.
  std::future<std::unique_ptr<state::Store>> opening = open_state_async(options);
  // ... and so is XUNA's client made (its errors, a missing key, still come after the
  // mapping's: from get(), in run_session).
  std::future<Remote> connecting = connect_xuna_async(options);
  // The mapping's numbers are checked while the run takes the lock and Twilio's list travels
  // (session.run calls mapping_checked; issue 23: ~15 ms of a first apply's fixed cost).
  DesiredLoad mapping(options);
  // For warm_heap below (plan and validate keep glibc's defaults). Not before the mapping is
  // read: the number checks' threads, started meanwhile, keep heaps of their own; sharing the
  // reader's, they held it up by ~15 ms (a 1,000-number apply, issue 23).
  keep_memory_for_reuse();
  request.desired = std::move(mapping.desired());
  request.mapping_checked = [&mapping] { mapping.checked(); };
  request.saved = std::move(saved);
  // Whatever fails before the run has checked the mapping, the mapping's errors are said
  // first, as when it was checked before anything else (checked() is done once).
  try {
    return run_session(options, metrics, std::move(request), opening, connecting);
  } catch (...) {
    mapping.checked();
    throw;
  }
}

}  // namespace xs::cli

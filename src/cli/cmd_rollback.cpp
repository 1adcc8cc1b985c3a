#include <unistd.h>

#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "cli/signals.h"
#include "cli/style.h"
#include "mapping/e164.h"
#include "report/escape.h"
#include "report/rollback_text.h"
#include "sync/rollback.h"
#include "util/clock.h"

namespace xs::cli {

int run_rollback(const Options& options) {
  if (options.positional.empty() != options.all)
    throw UsageError("rollback takes the numbers to roll back, or --all (not both)");
  for (const auto& n : options.positional)
    if (!mapping::is_e164(n)) throw UsageError("rollback: '" + n + "' is not an E.164 number");
  if (!options.auto_approve && !isatty(0))
    throw CommandError(kInvalid, "refusing to roll back without --auto-approve: there is no "
                                 "terminal to ask for approval on; nothing was done");
  sync::RollbackRequest request;
  request.desired = load_desired(options);
  request.numbers = options.positional;
  request.all = options.all;
  request.undo = options.undo;
  if (!options.exclude.empty()) {
    // --exclude as for plan and apply: on the number, or on its label in the mapping.
    Selection leave_out = selection(options);
    std::map<std::string, DesiredNumber> mapped;
    for (const DesiredNumber& n : request.desired.numbers) mapped.emplace(n.phone_number, n);
    request.excluded = [leave_out, mapped](const std::string& number) {
      auto it = mapped.find(number);
      DesiredNumber n;
      n.phone_number = number;
      return !selects(leave_out, it != mapped.end() ? it->second : n);
    };
  }
  request.force = options.force;
  request.parallelism = static_cast<std::size_t>(options.parallelism);
  request.stop = stop_on_signals();
  Remote remote = connect_xuna(options);  // names the target whose state holds the snapshots
  std::unique_ptr<state::Store> store = open_state(options);
  EnvTwilio twilio(options);
  const Style s = style_for(1, options.no_color);
  sync::RollbackHooks hooks;
  hooks.planned = [&](const std::vector<RollbackItem>& items) {
    if (options.format != "json") std::cout << render_rollback_plan(items, options.undo, s);
  };
  hooks.approve = [&](const std::vector<RollbackItem>&) {
    if (options.auto_approve) return true;
    std::cerr << "\nDo you want to change these numbers' Twilio routing? Only 'yes' will be "
                 "accepted: "
              << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "yes";
  };
  sync::RollbackResult result =
      sync::run_rollback(*store, twilio, system_clock(), this_process(), remote.url,
                         remote.key_fingerprint, std::move(request), hooks);
  if (result.cancelled) {
    std::cerr << "Rollback cancelled; nothing was done.\n";
    return kOk;
  }
  if (options.format == "json") {
    std::cout << rollback_to_json(result.items, options.undo);
  } else {
    std::cout << '\n' << render_rollback_report(result.items, s);
  }
  if (result.outcome == RunOutcome::Interrupted) return signal_exit_code() ? signal_exit_code() : kFailed;
  return result.outcome == RunOutcome::Ok ? kOk : kFailed;
}

}  // namespace xs::cli

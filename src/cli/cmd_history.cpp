#include <sys/stat.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "cli/style.h"
#include "report/history_json.h"

namespace xs::cli {

int run_history(const Options& options) {
  if (!options.positional.empty()) throw UsageError("history takes no arguments");
  const std::string path = state_path(options);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw CommandError(kInvalid, "no state file at " + path + " (nothing has been applied yet?)");
  state::Store store(path);
  std::vector<RunWithActions> runs;
  for (auto& r : store.runs(0, options.limit)) runs.emplace_back(r, store.actions_of(r.id));
  if (options.format == "json") {
    std::cout << history_to_json(runs);
    return kOk;
  }
  Style s = style_for(1, options.no_color);
  if (runs.empty()) std::cout << "No runs recorded in " << path << ".\n";
  for (const auto& [run, actions] : runs) {
    std::string outcome = run.outcome == "ok" ? s.green(run.outcome)
                          : run.outcome == "failed" ? s.red(run.outcome)
                                                    : s.yellow(run.outcome);
    std::cout << s.bold("#" + std::to_string(run.id)) << "  " << run.started_at << "  "
              << run.command << "  " << outcome << "  " << run.api_url << "  "
              << actions.size() << (actions.size() == 1 ? " action" : " actions") << '\n';
    for (const auto& a : actions) {
      std::cout << "    " << a.outcome << std::string(a.outcome.size() < 8 ? 8 - a.outcome.size() : 1, ' ')
                << a.kind << "  " << a.phone_number << "  " << a.detail;
      if (!a.error.empty()) std::cout << "  -- " << a.error;
      std::cout << '\n';
    }
  }
  return kOk;
}

}  // namespace xs::cli

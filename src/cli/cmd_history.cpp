#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "cli/style.h"
#include "report/history_json.h"
#include "report/text.h"

namespace xs::cli {

int run_history(const Options& options) {
  if (!options.positional.empty()) throw UsageError("history takes no arguments");
  if (!state_exists(options))
    throw CommandError(kInvalid, "no state file at " + state_path(options) +
                                     " (nothing has been applied yet?)");
  auto store = open_state(options, state::OpenMode::ReadOnly);
  std::vector<RunWithActions> runs;
  for (auto& r : store->runs(0, options.limit)) runs.emplace_back(r, store->actions_of(r.id));
  if (options.format == "json") {
    std::cout << history_to_json(runs);
    return kOk;
  }
  if (runs.empty()) std::cout << "No runs recorded in " << store->where() << ".\n";
  std::cout << render_history(runs, style_for(1, options.no_color));
  return kOk;
}

}  // namespace xs::cli

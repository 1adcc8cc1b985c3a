#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "cli/style.h"
#include "report/history_json.h"
#include "report/ledger_report.h"
#include "report/text.h"

namespace xs::cli {

int run_history(const Options& options) {
  if (!options.positional.empty()) throw UsageError("history takes no arguments");
  if (!state_exists(options))
    throw CommandError(kInvalid, "no state file at " + state_path(options) +
                                     " (nothing has been applied yet?)");
  auto store = open_state(options, state::OpenMode::ReadOnly);
  if (!options.campaign.empty()) {  // one campaign's ledger, across the state's targets
    std::vector<LedgerRow> rows;
    for (const auto& t : store->targets())
      for (auto& r : store->campaign_calls(t.id, options.campaign)) rows.emplace_back(t.api_url, std::move(r));
    if (rows.empty())
      throw CommandError(kInvalid, "no campaign '" + options.campaign + "' in the ledger of " +
                                       store->where());
    std::cout << (options.format == "csv"    ? ledger_to_csv(rows)
                  : options.format == "json" ? ledger_to_json(options.campaign, rows)
                                             : ledger_to_text(options.campaign, rows));
    return kOk;
  }
  if (options.format == "csv") throw UsageError("--format csv goes with --campaign NAME");
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

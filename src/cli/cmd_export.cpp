#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "mapping/export.h"
#include "util/clock.h"

namespace xs::cli {

int run_export(const Options& options) {
  if (!options.positional.empty()) throw UsageError("export takes no arguments");
  Remote remote = connect_xuna(options);
  Result<LiveList> live = remote.api->list_numbers();
  if (!live.ok()) throw CommandError(kFailed, live.error().message);
  std::cout << export_mapping(live.value(), remote.url, system_clock().now_iso());
  return kOk;
}

}  // namespace xs::cli

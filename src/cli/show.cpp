#include "cli/show.h"

#include <iostream>

#include "cli/exit_codes.h"
#include "cli/style.h"
#include "report/plan_json.h"
#include "report/text.h"
#include "util/atomic_file.h"

namespace xs::cli {

void print_plan(const Options& options, const sync::Planned& planned) {
  if (!options.out.empty()) {
    try {
      write_file_atomically(options.out, plan_to_json(planned.plan, planned.header));
    } catch (const std::exception& e) {
      throw CommandError(kFailed, "cannot write " + options.out + ": " + e.what());
    }
  }
  if (options.format == "json") {
    std::cout << plan_to_json(planned.plan, planned.header);
  } else {
    std::cout << render_plan(planned.plan, style_for(1, options.no_color));
  }
  std::cout.flush();
}

}  // namespace xs::cli

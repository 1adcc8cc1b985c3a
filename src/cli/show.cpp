#include "cli/show.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/context.h"
#include "cli/exit_codes.h"
#include "cli/style.h"
#include "plan/guards.h"
#include "report/markdown.h"
#include "report/plan_json.h"
#include "report/text.h"
#include "util/atomic_file.h"
#include "util/log.h"

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
  } else if (options.format == "markdown") {
    std::cout << plan_markdown(options, planned);
  } else {
    std::cout << render_plan(planned.plan, style_for(1, options.no_color));
  }
  std::cout.flush();
}

std::string plan_markdown(const Options& options, const sync::Planned& planned) {
  MarkdownOptions m;
  m.max_bytes = static_cast<std::size_t>(options.markdown_max_bytes);
  m.refused = check_guards(planned.plan, planned.live, guard_options(options));
  if (!options.out.empty()) m.full_plan = std::filesystem::path(options.out).filename().string();
  return plan_to_markdown(planned.plan, m);
}

void append_step_summary(const std::string& path, const std::string& markdown) {
  std::ofstream f(path, std::ios::app | std::ios::binary);
  f << markdown << '\n';
  f.flush();
  if (!f) log_warn("cannot append the Markdown summary to GITHUB_STEP_SUMMARY's file " + path);
}

}  // namespace xs::cli

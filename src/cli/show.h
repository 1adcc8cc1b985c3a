#pragma once
// Printing what the engine produced, in the format the options ask for.
#include <string>

#include "apply/apply.h"
#include "cli/options.h"
#include "sync/gather.h"

namespace xs::cli {

// Prints the plan on stdout in the chosen format, and saves it with --out (atomically).
void print_plan(const Options& options, const sync::Planned& planned);

// The plan as Markdown (report/markdown.h): the guards' verdict, --markdown-max-bytes, and
// --out named as where the full plan is.
std::string plan_markdown(const Options& options, const sync::Planned& planned);

// Appends markdown to the job summary file at path (GITHUB_STEP_SUMMARY, read by the
// command); a file that cannot be written is a warning, not a failed run.
void append_step_summary(const std::string& path, const std::string& markdown);

}  // namespace xs::cli

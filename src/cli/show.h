#pragma once
// Printing what the engine produced, in the format the options ask for.
#include "cli/options.h"
#include "sync/gather.h"

namespace xs::cli {

// Prints the plan on stdout in the chosen format, and saves it with --out (atomically).
void print_plan(const Options& options, const sync::Planned& planned);

}  // namespace xs::cli

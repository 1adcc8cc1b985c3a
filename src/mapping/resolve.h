#pragma once
// Merges parsed files into one Desired: cross-file duplicates and conflicts, alias and account
// resolution (private to src/mapping).
#include <vector>

#include "mapping/diagnostics.h"
#include "mapping/parsed.h"

namespace xs::mapping {

// Merges files (in order; the first declaration wins) and reports what doesn't fit together.
// Takes the files: their numbers move into the result.
Desired resolve(std::vector<ParsedFile> files, Diags& diags);

}  // namespace xs::mapping

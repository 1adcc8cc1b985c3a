#pragma once
// One mapping file on its own: YAML syntax, structure and values (private to src/mapping).
#include "mapping/diagnostics.h"
#include "mapping/load.h"
#include "mapping/parsed.h"

namespace xs::mapping {

// Reads source, reporting every problem found within it; never throws.
ParsedFile parse_source(const MappingSource& source, Diags& diags);

}  // namespace xs::mapping

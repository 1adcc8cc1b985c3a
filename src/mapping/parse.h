#pragma once
// One mapping file on its own: YAML syntax, structure and values (private to src/mapping).
#include "mapping/diagnostics.h"
#include "mapping/load.h"
#include "mapping/parsed.h"
#include "mapping/phone_lib.h"

namespace xs::mapping {

// Reads source, reporting every problem found within it; never throws. The phone numbers it
// holds are added to phones, for the caller to check with the other files' numbers.
// Side files it names must resolve inside root ("": the folder of source.name) unless
// allow_outside_files.
ParsedFile parse_source(const MappingSource& source, Diags& diags, PhoneChecks& phones,
                        const std::string& root = "", bool allow_outside_files = false);

}  // namespace xs::mapping

#pragma once
// suppress: files of numbers never to call (private to src/mapping).
#include "mapping/parsed.h"
#include "mapping/yaml_read.h"

namespace xs::mapping {

// Reads each file the 'suppress' list names (relative to the mapping file): a CSV with a
// 'phone_number' column, or one number per line ('#' starts a comment line). Numbers are
// E.164, or national ones when out.default_region is set. An unreadable file is reported at
// its list entry, a bad number at its FILE:LINE:COL.
void read_suppress(Ctx& ctx, const Entry& section, ParsedFile& out);

}  // namespace xs::mapping

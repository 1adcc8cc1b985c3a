#pragma once
// Private to state/ and its tests: the schema version this code writes, and a seam for tests
// that need a file left by an older xuna-sync. No SQLite types here.
#include <string>

namespace xs::state::detail {

// The schema version this build creates and migrates to.
int latest_schema_version();
// Creates or opens the file and migrates it to exactly `version` (<= latest), nothing more.
void migrate_file_to(const std::string& path, int version);

}  // namespace xs::state::detail

#pragma once
// Private to state/ and its tests: the schema version this code writes, and seams for tests
// that need a file left by an older xuna-sync or a full disk. No SQLite types here.
#include <string>

namespace xs::state {
class Store;
}

namespace xs::state::detail {

// The schema version this build creates and migrates to.
int latest_schema_version();
// Creates or opens the file and migrates it to exactly `version` (<= latest), nothing more.
void migrate_file_to(const std::string& path, int version);
// The same for a state at any location (a path or a PostgreSQL URI).
void migrate_state_to(const std::string& location, int version);
// SQLite's PRAGMA max_page_count on store's connection (a SQLite store), to fill the "disk".
void set_max_page_count(Store& store, int pages);

}  // namespace xs::state::detail

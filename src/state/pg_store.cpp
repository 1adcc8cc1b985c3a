// The PostgreSQL backend (phase 2).
#include "state/store.h"

namespace xs::state {

std::unique_ptr<Store> open_pg_store(const std::string& uri, OpenMode) {
  throw StateError("state " + display_location(uri) + ": PostgreSQL is not built in yet");
}

}  // namespace xs::state

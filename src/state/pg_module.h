#pragma once
// Private to state/: the seam between xuna-sync and its PostgreSQL backend. libpq and libpqxx
// load some twenty libraries (Kerberos, LDAP, GnuTLS...), ~10 ms at every start of every
// command on a 2-core VM, though most runs keep their state in SQLite (issue 23). So the
// backend (pg_*.cpp) is a module, xuna-sync-postgres.so, loaded the first time a PostgreSQL
// state is opened; a program that links the backend itself (the unit tests) calls it directly.
#include <memory>
#include <string>

#include "state/store.h"

#define XS_PG_MODULE_EXPORT __attribute__((visibility("default")))

// Defined by the backend: a new PgStore (the caller owns it), or an exception.
extern "C" XS_PG_MODULE_EXPORT xs::state::Store* xs_state_open_pg(const std::string& uri,
                                                                   xs::state::OpenMode mode);

namespace xs::state {

// The backend's store for uri: linked in, or loaded from xuna-sync-postgres.so (beside the
// executable, or where the package installs it). StateError when the module cannot be loaded.
std::unique_ptr<Store> open_pg_store(const std::string& uri, OpenMode mode);

}  // namespace xs::state

#pragma once
// Private to state/: what a --state value names. No library types here.
#include <string>

namespace xs::state {

// True for a libpq URI (postgresql:// or postgres://).
bool is_postgres_uri(const std::string& location);

// A libpq URI taken apart for messages and checks (values percent-decoded).
struct PgUri {
  std::string host;           // "" = libpq's default (the local Unix socket)
  std::string database;       // "" = libpq's default (the user name)
  bool has_password = false;  // in the userinfo, or password= in the query
};
PgUri parse_pg_uri(const std::string& uri);

}  // namespace xs::state

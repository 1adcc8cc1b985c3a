#pragma once
// Private to state/: what a --state value names. No library types here.
#include <string>

namespace xs::state {

// What a --state value is: a libpq URI (postgresql:// or postgres://), a libpq keyword/value
// connection string (host=db dbname=xuna_sync ...), neither although it looks like one of them
// (another scheme, an '=' that is not a valid connection string): refused, else a SQLite path.
enum class LocationKind { SqlitePath, PgUri, PgKeywords, Invalid };
LocationKind location_kind(const std::string& location);

// True for PostgreSQL: a libpq URI or a keyword/value connection string.
bool is_postgres_uri(const std::string& location);

// True for a keyword/value connection string (options are appended with a space, not '&').
bool is_keyword_conninfo(const std::string& location);

// A PostgreSQL location taken apart for messages and checks (values percent-decoded).
struct PgUri {
  std::string host;           // "" = libpq's default (the local Unix socket)
  std::string database;       // "" = libpq's default (the user name)
  bool has_password = false;  // in the userinfo, or a password key (query or keyword)
  bool valid = true;          // false: libpq could not read it either (an '=' missing, ...)
};
PgUri parse_pg_uri(const std::string& uri);

}  // namespace xs::state

// --state values: a libpq URI or keyword/value string is PostgreSQL, a plain path SQLite, and
// anything that looks like a connection string but is not one is refused.
#include "state/location.h"
#include "state/pg_module.h"

#include <cctype>
#include <set>
#include <utility>
#include <vector>

#include "state/sqlite_store.h"

namespace xs::state {
namespace {

std::string decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Parts {
  std::string scheme, userinfo, hosts, path, query;  // raw; hosts = host[:port][,...]
  bool has_userinfo = false;
};

// The authority ends at the last '@' before the query: a password may hold any character,
// '/' and '@' included ('?' too: the rest then fails to read as a query and is refused).
Parts split(const std::string& uri) {
  Parts p;
  const std::size_t colon = uri.find("://");
  p.scheme = uri.substr(0, colon);
  std::string rest = uri.substr(colon + 3);
  const std::size_t q = rest.find('?');
  std::size_t at = std::string::npos;
  if (q != 0) at = rest.rfind('@', q == std::string::npos ? q : q - 1);
  if (at != std::string::npos) {
    p.has_userinfo = true;
    p.userinfo = rest.substr(0, at);
    rest.erase(0, at + 1);
  }
  const std::size_t q2 = rest.find('?');
  if (q2 != std::string::npos) {
    p.query = rest.substr(q2 + 1);
    rest.erase(q2);
  }
  const std::size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    p.path = rest.substr(slash + 1);
    rest.erase(slash);
  }
  p.hosts = rest;
  return p;
}

// The query's key=value pairs, raw; false when an item has no '=' (libpq refuses it too).
bool query_pairs(const std::string& query, Pairs& out) {
  std::size_t start = 0;
  while (!query.empty()) {
    const std::size_t amp = query.find('&', start);
    const std::string item = query.substr(start, amp == std::string::npos ? amp : amp - start);
    const std::size_t eq = item.find('=');
    if (!item.empty()) {
      if (eq == std::string::npos || eq == 0) return false;
      out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return true;
}

// libpq's connection keywords (PostgreSQL 15 and the ones newer versions added).
const std::set<std::string>& libpq_keywords() {
  // clang-format off
  static const std::set<std::string> k = {
      "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
      "connect_timeout", "client_encoding", "options", "application_name",
      "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
      "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode",
      "requiressl", "sslcompression", "sslcert", "sslkey", "sslpassword", "sslrootcert",
      "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
      "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service",
      "target_session_attrs", "load_balance_hosts", "require_auth", "sslcertmode",
      "sslnegotiation"};
  // clang-format on
  return k;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// A keyword/value connection string read as libpq reads it (values may be single-quoted, a
// backslash escapes the next character); false when it is not one.
bool keyword_pairs(const std::string& s, Pairs& out) {
  std::size_t i = 0;
  const auto skip = [&] {
    while (i < s.size() && is_space(s[i])) ++i;
  };
  for (skip(); i < s.size(); skip()) {
    std::string key;
    while (i < s.size() && !is_space(s[i]) && s[i] != '=') key += s[i++];
    skip();
    if (key.empty() || i >= s.size() || s[i] != '=') return false;
    ++i;
    skip();
    std::string value;
    if (i < s.size() && s[i] == '\'') {
      for (++i;; ++i) {
        if (i >= s.size()) return false;  // an unterminated quote
        if (s[i] == '\\' && i + 1 < s.size()) {
          value += s[++i];
        } else if (s[i] == '\'') {
          ++i;
          break;
        } else {
          value += s[i];
        }
      }
    } else {
      for (; i < s.size() && !is_space(s[i]); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i];
      }
    }
    if (!libpq_keywords().count(key)) return false;
    out.emplace_back(key, value);
  }
  return !out.empty();
}

bool is_secret_key(const std::string& key) {
  const std::string k = decode(key);
  return k == "password" || k == "sslpassword";
}

// The pairs of a keyword string or of a URI's query (raw), and whether they could be read.
bool pairs_of(const std::string& location, LocationKind kind, Pairs& out) {
  if (kind == LocationKind::PgKeywords) return keyword_pairs(location, out);
  return query_pairs(split(location).query, out);
}

std::string quoted_value(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \t\n\r\f\v'\\") == std::string::npos) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

LocationKind location_kind(const std::string& location) {
  if (starts_with(location, "postgresql://") || starts_with(location, "postgres://"))
    return LocationKind::PgUri;
  if (location.find("://") != std::string::npos) return LocationKind::Invalid;
  if (location.find('=') == std::string::npos) return LocationKind::SqlitePath;
  Pairs pairs;
  return keyword_pairs(location, pairs) ? LocationKind::PgKeywords : LocationKind::Invalid;
}

bool is_postgres_uri(const std::string& location) {
  const LocationKind kind = location_kind(location);
  return kind == LocationKind::PgUri || kind == LocationKind::PgKeywords;
}

bool is_keyword_conninfo(const std::string& location) {
  return location_kind(location) == LocationKind::PgKeywords;
}

PgUri parse_pg_uri(const std::string& uri) {
  PgUri out;
  const LocationKind kind = location_kind(uri);
  if (kind == LocationKind::PgUri) {
    const Parts p = split(uri);
    out.has_password = p.userinfo.find(':') != std::string::npos;
    std::string host = p.hosts;
    if (!host.empty() && host[0] != '[') host = host.substr(0, host.find(':'));
    out.host = decode(host);
    out.database = decode(p.path);
  }
  Pairs pairs;
  out.valid = kind != LocationKind::Invalid && pairs_of(uri, kind, pairs);
  for (const auto& [key, value] : pairs) {
    const std::string k = decode(key);
    if (k == "password") out.has_password = true;
    const std::string v = kind == LocationKind::PgUri ? decode(value) : value;
    if (k == "host") out.host = v;
    if (k == "dbname") out.database = v;
  }
  return out;
}

std::string display_location(const std::string& location) {
  const LocationKind kind = location_kind(location);
  if (kind == LocationKind::SqlitePath) return location;
  Pairs pairs;
  if (kind == LocationKind::Invalid || !pairs_of(location, kind, pairs)) {
    // Not readable as a connection string: nothing of it is shown but its scheme.
    const std::size_t colon = location.find("://");
    return colon == std::string::npos ? "(an unreadable connection string)"
                                      : location.substr(0, colon) + "://(not shown)";
  }
  std::string out;
  if (kind == LocationKind::PgKeywords) {
    for (const auto& [key, value] : pairs) {
      if (is_secret_key(key) || key == "user") continue;
      out += (out.empty() ? "" : " ") + key + "=" + quoted_value(value);
    }
    return out;
  }
  const Parts p = split(location);
  out = p.scheme + "://" + p.hosts;
  if (!p.path.empty()) out += "/" + p.path;
  std::string query;
  for (const auto& [key, value] : pairs) {
    if (is_secret_key(key) || decode(key) == "user") continue;
    query += (query.empty() ? "?" : "&") + key + "=" + value;
  }
  return out + query;
}

std::unique_ptr<Store> open_store(const std::string& location, OpenMode mode) {
  const LocationKind kind = location_kind(location);
  if (kind == LocationKind::SqlitePath) return std::make_unique<SqliteStore>(location, mode);
  const PgUri parts = parse_pg_uri(location);
  if (kind == LocationKind::Invalid || !parts.valid) {
    throw InvalidLocation(
        "state " + display_location(location) +
        ": neither a SQLite path nor a PostgreSQL location (a postgresql:// URI, or libpq's "
        "keyword=value pairs such as 'host=db dbname=xuna_sync'): refused");
  }
  if (parts.has_password) {
    throw InvalidLocation("state " + display_location(location) + ": a password in the " +
                          (kind == LocationKind::PgUri ? "URL" : "connection string") +
                          " is refused (it would show in shell history and ps); give it with "
                          "PGPASSWORD, ~/.pgpass or PGPASSFILE");
  }
  if (kind == LocationKind::PgKeywords) {
    // Written again as key=value without spaces around '=', so that the defaults pg_connect
    // adds only when a key is absent see 'connect_timeout = 5' too.
    Pairs pairs;
    keyword_pairs(location, pairs);
    std::string normal;
    for (const auto& [key, value] : pairs)
      normal += (normal.empty() ? "" : " ") + key + "=" + quoted_value(value);
    return open_pg_store(normal, mode);
  }
  return open_pg_store(location, mode);
}

}  // namespace xs::state

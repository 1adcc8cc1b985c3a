// --state values: a libpq URI is PostgreSQL, anything else a SQLite path.
#include "state/location.h"

#include <cctype>

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

struct Parts {
  std::string scheme, userinfo, hosts, path, query;  // raw; hosts = host[:port][,...]
  bool has_userinfo = false;
};

Parts split(const std::string& uri) {
  Parts p;
  const std::size_t colon = uri.find("://");
  p.scheme = uri.substr(0, colon);
  std::string rest = uri.substr(colon + 3);
  const std::size_t q = rest.find('?');
  if (q != std::string::npos) {
    p.query = rest.substr(q + 1);
    rest.erase(q);
  }
  const std::size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    p.path = rest.substr(slash + 1);
    rest.erase(slash);
  }
  const std::size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    p.has_userinfo = true;
    p.userinfo = rest.substr(0, at);
    rest.erase(0, at + 1);
  }
  p.hosts = rest;
  return p;
}

// The query's key=value pairs, raw.
std::vector<std::pair<std::string, std::string>> query_pairs(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    const std::size_t amp = query.find('&', start);
    const std::string item = query.substr(start, amp == std::string::npos ? amp : amp - start);
    const std::size_t eq = item.find('=');
    if (!item.empty())
      out.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

bool is_secret_key(const std::string& key) {
  const std::string k = decode(key);
  return k == "password" || k == "sslpassword";
}

}  // namespace

bool is_postgres_uri(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

PgUri parse_pg_uri(const std::string& uri) {
  const Parts p = split(uri);
  PgUri out;
  out.has_password = p.userinfo.find(':') != std::string::npos;
  std::string host = p.hosts;
  if (!host.empty() && host[0] != '[') host = host.substr(0, host.find(':'));
  out.host = decode(host);
  out.database = decode(p.path);
  for (const auto& [key, value] : query_pairs(p.query)) {
    const std::string k = decode(key);
    if (is_secret_key(key) && k == "password") out.has_password = true;
    if (k == "host") out.host = decode(value);
    if (k == "dbname") out.database = decode(value);
  }
  return out;
}

std::string display_location(const std::string& location) {
  if (!is_postgres_uri(location)) return location;
  const Parts p = split(location);
  std::string out = p.scheme + "://" + p.hosts;
  if (!p.path.empty()) out += "/" + p.path;
  std::string query;
  for (const auto& [key, value] : query_pairs(p.query)) {
    if (is_secret_key(key) || decode(key) == "user") continue;
    query += (query.empty() ? "?" : "&") + key + "=" + value;
  }
  return out + query;
}

// PostgreSQL (pg_store.cpp).
std::unique_ptr<Store> open_pg_store(const std::string& uri, OpenMode mode);

std::unique_ptr<Store> open_store(const std::string& location, OpenMode mode) {
  if (is_postgres_uri(location)) {
    if (parse_pg_uri(location).has_password) {
      throw InvalidLocation("state " + display_location(location) +
                       ": a password in the URL is refused (it would show in shell history and "
                       "ps); give it with PGPASSWORD, ~/.pgpass or PGPASSFILE");
    }
    return open_pg_store(location, mode);
  }
  return std::make_unique<SqliteStore>(location, mode);
}

}  // namespace xs::state

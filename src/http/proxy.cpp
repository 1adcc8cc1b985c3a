#include "http/proxy.h"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/URI.h>

#include <cctype>

namespace xs {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::optional<Poco::Net::IPAddress> ip(const std::string& text) {
  Poco::Net::IPAddress a;
  if (Poco::Net::IPAddress::tryParse(text, a)) return a;
  return std::nullopt;
}

// One entry of no_proxy against a host (lower case, IPv6 without brackets) and port.
bool entry_matches(std::string entry, const std::string& host, std::uint16_t port) {
  if (entry == "*") return true;
  std::optional<std::uint16_t> only_port;
  // "[v6]:port", "[v6]", "host:port"; a bare IPv6 address has more than one colon.
  auto take_port = [&](std::size_t colon) {
    const std::string digits = entry.substr(colon + 1);
    if (digits.empty() || digits.size() > 5 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return false;
    only_port = static_cast<std::uint16_t>(std::stoul(digits));
    entry.erase(colon);
    return true;
  };
  if (!entry.empty() && entry[0] == '[') {
    const auto close = entry.find(']');
    if (close == std::string::npos) return false;
    if (close + 1 < entry.size() && (entry[close + 1] != ':' || !take_port(close + 1)))
      return false;
    entry = entry.substr(1, close - 1);
  } else if (entry.find(':') != std::string::npos &&
             entry.find(':') == entry.rfind(':')) {
    if (!take_port(entry.find(':'))) return false;
  }
  if (only_port && *only_port != port) return false;
  if (entry.empty()) return false;
  const auto host_ip = ip(host);
  const auto slash = entry.find('/');
  if (slash != std::string::npos) {  // a CIDR block
    const auto net = ip(entry.substr(0, slash));
    const std::string bits = entry.substr(slash + 1);
    if (!net || !host_ip || net->family() != host_ip->family() || bits.empty() ||
        bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos)
      return false;
    const unsigned prefix = static_cast<unsigned>(std::stoul(bits));
    if (prefix > net->length() * 8) return false;
    try {
      const Poco::Net::IPAddress mask(prefix, net->family());
      return (*net & mask) == (*host_ip & mask);
    } catch (const Poco::Exception&) {
      return false;
    }
  }
  if (const auto entry_ip = ip(entry)) return host_ip && *entry_ip == *host_ip;
  if (entry[0] == '.') entry.erase(0, 1);  // ".example.com" means example.com and below
  if (entry.empty()) return false;
  if (host == entry) return true;
  return host.size() > entry.size() && host.compare(host.size() - entry.size(), entry.size(), entry) == 0 &&
         host[host.size() - entry.size() - 1] == '.';
}

}  // namespace

ProxyEnv read_proxy_env(const std::function<const char*(const char*)>& getenv) {
  auto first = [&](const char* a, const char* b) {
    const char* v = getenv(a);
    if (!v || !*v) v = getenv(b);
    return std::string(v ? v : "");
  };
  ProxyEnv e;
  e.http_proxy = first("http_proxy", "HTTP_PROXY");
  e.https_proxy = first("https_proxy", "HTTPS_PROXY");
  e.all_proxy = first("all_proxy", "ALL_PROXY");
  e.no_proxy = first("no_proxy", "NO_PROXY");
  return e;
}

std::string ProxyServer::display() const {
  std::string text = "http://";
  if (!username.empty() || !password.empty()) text += username + (password.empty() ? "@" : ":***@");
  text += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return text + ":" + std::to_string(port);
}

bool no_proxy_matches(const std::string& no_proxy, const std::string& host, std::uint16_t port) {
  std::string h = lower(host);
  if (h.size() > 1 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  while (h.size() > 1 && h.back() == '.') h.pop_back();  // "example.com." is example.com
  std::string list = lower(no_proxy);
  for (char& c : list)
    if (c == ' ' || c == '\t') c = ',';
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const std::string entry =
        trimmed(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!entry.empty() && entry_matches(entry, h, port)) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

Result<std::optional<ProxyServer>> proxy_for(const ProxyEnv& env, const std::string& url) {
  Poco::URI target;
  try {
    target = Poco::URI(url);
  } catch (const Poco::Exception&) {
    return std::optional<ProxyServer>();  // the transport reports a bad URL itself
  }
  const std::string scheme = lower(target.getScheme());
  std::string value = scheme == "https" ? env.https_proxy : scheme == "http" ? env.http_proxy : "";
  const char* names = scheme == "https" ? "https_proxy/HTTPS_PROXY" : "http_proxy/HTTP_PROXY";
  if (value.empty()) {
    value = env.all_proxy;
    names = "all_proxy/ALL_PROXY";
  }
  value = trimmed(value);
  if (value.empty()) return std::optional<ProxyServer>();
  if (no_proxy_matches(env.no_proxy, target.getHost(), target.getPort()))
    return std::optional<ProxyServer>();
  auto bad = [&](const std::string& why) {
    ApiError e;
    e.kind = ErrorKind::Config;
    // Never the value: it may hold a password.
    e.message = std::string("the proxy in ") + names + " " + why +
                " (expected http://[user:password@]host[:port])";
    return e;
  };
  if (value.find("://") == std::string::npos) value = "http://" + value;  // as curl
  Poco::URI proxy;
  try {
    proxy = Poco::URI(value);
  } catch (const Poco::Exception&) {
    return bad("is not a URL");
  }
  const std::string proxy_scheme = lower(proxy.getScheme());
  if (proxy_scheme != "http")
    return bad("uses " + proxy_scheme + "://, which xuna-sync does not speak: only http:// proxies");
  if (proxy.getHost().empty()) return bad("names no host");
  if (!proxy.getQuery().empty() || (!proxy.getPath().empty() && proxy.getPath() != "/"))
    return bad("has a path or query");
  ProxyServer p;
  p.host = proxy.getHost();
  if (proxy.getSpecifiedPort() != 0) p.port = proxy.getSpecifiedPort();
  const std::string& user_info = proxy.getUserInfo();  // as written: percent-encoded
  const auto colon = user_info.find(':');
  Poco::URI::decode(user_info.substr(0, colon), p.username);
  if (colon != std::string::npos) {
    std::string password;
    Poco::URI::decode(user_info.substr(colon + 1), password);
    p.password = Secret(std::move(password));
  }
  return std::optional<ProxyServer>(std::move(p));
}

}  // namespace xs

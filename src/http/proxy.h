#pragma once
// Proxies as curl reads them: which proxy (if any) a request to a URL goes through, from the
// values of the proxy environment variables. Pure: the CLI reads the environment once and
// hands the values in (cli/context.cpp).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "http/errors.h"
#include "util/secret.h"

namespace xs {

// The proxy variables, each the first one set of its lower and upper case spellings.
struct ProxyEnv {
  std::string http_proxy;   // http_proxy, HTTP_PROXY: for http:// URLs
  std::string https_proxy;  // https_proxy, HTTPS_PROXY: for https:// URLs
  std::string all_proxy;    // all_proxy, ALL_PROXY: for either, when the above is not set
  std::string no_proxy;     // no_proxy, NO_PROXY: hosts reached directly
  bool empty() const { return http_proxy.empty() && https_proxy.empty() && all_proxy.empty(); }
};

// Reads the variables through getenv (lower case first, as curl does).
ProxyEnv read_proxy_env(const std::function<const char*(const char*)>& getenv);

// An HTTP proxy server: requests to http:// URLs are sent to it with absolute targets,
// https:// ones through a CONNECT tunnel (TLS end to end with the server).
struct ProxyServer {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 1080;  // curl's default when the URL names none
  std::string username;       // percent-decoded
  Secret password;            // percent-decoded; never printed
  // "http://host:port", with "user:***@" when it has credentials: for messages and logs.
  std::string display() const;
};

// True when host (and port) is to be reached directly by no_proxy: a comma- or
// space-separated list of host names (matching the host and its subdomains, a leading dot
// optional), IP addresses, IPv4 CIDR blocks (10.0.0.0/8), any of them with ":PORT" to match
// only that port ("[::1]:8080" for IPv6), or "*" for every host. Case-insensitive.
bool no_proxy_matches(const std::string& no_proxy, const std::string& host, std::uint16_t port);

// The proxy for a request to url (http:// or https://), or none (no variable set, or
// no_proxy names its host). An ApiError (kind Config) for a proxy URL that is not
// http://[user[:password]@]host[:port][/], naming the variable, never a password.
Result<std::optional<ProxyServer>> proxy_for(const ProxyEnv& env, const std::string& url);

}  // namespace xs

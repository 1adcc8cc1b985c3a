#pragma once
// One HTTP exchange, behind an interface so clients can be tested with a fake transport.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/errors.h"
#include "http/proxy.h"
#include "util/secret.h"

namespace xs {

struct HttpRequest {
  std::string method;  // GET, POST, PATCH
  std::string target;  // path and query, relative to the transport's base URL
  std::vector<std::pair<std::string, std::string>> headers;  // may hold secrets: never logged
  std::string body;                                         // may hold secrets: never logged
  // Secrets the body carries, masked in the answer like those of the headers (http/redact.h).
  std::vector<Secret> secrets = {};
  // About how much memory reading the answer will take, when it is large (a list's page): the
  // transport touches that much of the thread's heap while the answer is on its way
  // (util/memory.h: warm_heap), not page by page as it arrives. 0: nothing.
  std::size_t expect_bytes = 0;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// For a 3xx answer: " (redirected to LOCATION; redirects are not followed: check the URL)",
// or without "to LOCATION" when it has none; "" for any other status.
std::string redirect_note(const HttpResponse& response);

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends the request; an ApiError only when no HTTP response arrived (kind Transient or
  // Config, maybe_committed when the request may have reached the server).
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
  // The base URL requests are relative to (for messages and state).
  virtual std::string base_url() const = 0;
};

struct TransportOptions {
  std::string base_url;    // http:// or https://, optional path prefix
  std::string ca_file;     // empty: the system's CAs
  double timeout = 30;     // seconds, the whole request (connect, send, the full answer)
  int max_idle = 32;       // pooled keep-alive connections kept
  std::uint64_t max_response_bytes = 256ull << 20;  // larger answers are refused, not read
  std::optional<ProxyServer> proxy;  // through this HTTP proxy (http/proxy.h), else direct
};

}  // namespace xs

#include "http/errors.h"

#include "http/transport.h"

namespace xs {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Transient: return "transient";
    case ErrorKind::Auth: return "auth";
    case ErrorKind::NotFound: return "not_found";
    case ErrorKind::Conflict: return "conflict";
    case ErrorKind::Invalid: return "invalid";
    case ErrorKind::Config: return "config";
  }
  return "unknown";
}

std::string redirect_note(const HttpResponse& response) {
  if (response.status < 300 || response.status > 399) return {};
  auto it = response.headers.find("location");
  std::string to;
  if (it != response.headers.end() && !it->second.empty())
    to = " to " + (it->second.size() > 200 ? it->second.substr(0, 200) + "..." : it->second);
  return " (redirected" + to + "; redirects are not followed: check the URL)";
}

}  // namespace xs

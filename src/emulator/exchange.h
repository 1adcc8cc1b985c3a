// One API exchange as the handlers see it: a request already read off the wire, and the
// response they want written. Handlers never touch Poco's HTTP objects, so a response can
// be cached (idempotency), logged and written later (faults).
#pragma once

#include <Poco/Dynamic/Var.h>

#include <string>
#include <utility>
#include <vector>

namespace xs::emu {

struct ApiRequest {
  std::string method;
  std::string path;            // percent-decoded path, no query
  std::string rawQuery;        // as sent, without '?'; "" when absent
  std::string body;            // raw bytes (capped by the reader)
  bool bodyIsJson = false;     // body parsed as JSON
  Poco::Dynamic::Var json;     // the parsed body when bodyIsJson
  bool hasApiKey = false;
  std::string apiKey;          // xi-api-key header
  std::string authorization;   // Authorization header, "" when absent
  std::string contentType;     // Content-Type header, "" when absent
  bool hasIdempotencyKey = false;
  std::string idempotencyKey;  // Idempotency-Key header (non-empty when present)
};

struct Response {
  int status = 200;
  std::string body;  // JSON text, or "" (e.g. 204)
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

}  // namespace xs::emu

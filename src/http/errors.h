#pragma once
// Failure kinds of the network rooms, classified at the edge (no Poco type travels past it).
#include <optional>
#include <string>
#include <utility>

namespace xs {

enum class ErrorKind {
  Transient,   // 429, 500, 502, 503, 504, connection failures, timeouts: worth retrying
  Auth,        // 401, 403
  NotFound,    // 404
  Conflict,    // 409
  Invalid,     // 400, 422 and other 4xx: the request itself is wrong
  Config,      // bad URL, TLS setup, CA file: nothing was sent
};

struct ApiError {
  ErrorKind kind = ErrorKind::Transient;
  int status = 0;                        // HTTP status, 0 when no response arrived
  std::string message;                   // "POST /v1/...: 409 Conflict: <server's message>"
  std::optional<double> retry_after;     // seconds, from Retry-After
  bool maybe_committed = false;          // the server may have acted on it (no clean answer)
};

const char* to_string(ErrorKind kind);

struct Unit {};

// A value or an ApiError.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(ApiError error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const T& value() const { return *value_; }
  T& value() { return *value_; }
  const ApiError& error() const { return error_; }

 private:
  std::optional<T> value_;
  ApiError error_;
};

}  // namespace xs

#pragma once
// A secret (API key, Twilio token) that prints as *** so a leak is hard to write.
#include <ostream>
#include <string>

namespace xs {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  // The value itself, for the one place that must send it (a request header or body).
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

 private:
  std::string value_;
};

}  // namespace xs

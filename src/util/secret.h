#pragma once
// A secret (API key, Twilio token) that prints as *** so a leak is hard to write.
#include <cstddef>
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
  // text with every occurrence of the value replaced by ***: for what a server sent back.
  std::string hide_in(std::string text) const {
    if (value_.empty()) return text;
    for (std::size_t p; (p = text.find(value_)) != std::string::npos;)
      text.replace(p, value_.size(), "***");
    return text;
  }
  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

 private:
  std::string value_;
};

}  // namespace xs

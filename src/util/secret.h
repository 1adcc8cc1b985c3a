#pragma once
// A secret (API key, Twilio token) that prints as *** so a leak is hard to write, and the
// forms in which a sent secret can come back (encoded) so that they can be masked too.
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace xs {

// Every form in which value may travel or be quoted back: itself; its base64 (the part that
// depends on value alone, at each of the three alignments it can have inside a longer encoded
// text such as "Basic base64(user:value)", and in the base64url alphabet) when value has at
// least 8 bytes; and each of those percent-encoded (upper and lower hex, '+' for space) and
// JSON-escaped (with or without "\/", \u escapes in either case). Without duplicates.
std::vector<std::string> secret_forms(const std::string& value);

// text with every occurrence of every form replaced by ***, longest forms first.
std::string hide_forms(std::string text, std::vector<std::string> forms);

// Forms to mask, sorted once (longest first, without duplicates), for masking many texts:
// hide(text) is hide_forms(text, forms). A long text is read once for the pairs of bytes it
// holds, and only a form whose every pair is among them is searched for: most of a page
// holds no form of any secret (issue 23: masking each answer cost more than sending it).
class SecretMask {
 public:
  SecretMask() = default;
  explicit SecretMask(std::vector<std::string> forms);
  std::string hide(std::string text) const;
  bool empty() const { return forms_.empty(); }

 private:
  std::vector<std::string> forms_;
};

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  // The value itself, for the one place that must send it (a request header or body).
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  // text with every form of the value (secret_forms) replaced by ***: for what a server sent.
  std::string hide_in(std::string text) const {
    if (value_.empty()) return text;
    return hide_forms(std::move(text), secret_forms(value_));
  }
  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

 private:
  std::string value_;
};

}  // namespace xs

#include "mapping/normalize.h"

#include "mapping/e164.h"
#include "mapping/phone_lib.h"

namespace xs::mapping {

std::optional<std::string> normalize_e164(const std::string& text, std::string& why) {
  if (is_e164(text)) return text;  // the common case, without libphonenumber's parser
  if (text.size() > 64) {
    why = "too long to be a phone number";
    return std::nullopt;
  }
  if (text.find('+') == std::string::npos) {  // no calling code: the region would be a guess
    why = "no '+' and calling code";
    return std::nullopt;
  }
  auto e164 = to_e164(text, "", why);
  if (e164 && !is_e164(*e164)) {
    why = "not a phone number";
    return std::nullopt;
  }
  return e164;
}

}  // namespace xs::mapping

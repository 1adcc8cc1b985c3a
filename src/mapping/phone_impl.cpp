// libphonenumber's side of the phone checks: xuna-sync-phone.so, or linked in (phone_module.h).
#include <phonenumbers/phonenumberutil.h>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "mapping/phone_module.h"

namespace xs::mapping {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& util() {
  return *PhoneNumberUtil::GetInstance();
}

// "US (+1)": the main region of number's country code.
std::string region_of(const PhoneNumber& n) {
  std::string region;
  util().GetRegionCodeForCountryCode(n.country_code(), &region);
  return region + " (+" + std::to_string(n.country_code()) + ")";
}

std::string parse_problem(PhoneNumberUtil::ErrorType e) {
  switch (e) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return "no country has this country code";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return "too short";
    case PhoneNumberUtil::TOO_LONG_NSN:
      return "too long";
    default:
      return "not a phone number";
  }
}

// Why n cannot be a number of its country, or "" when its length is possible.
std::string length_problem(const PhoneNumber& n) {
  switch (util().IsPossibleNumberWithReason(n)) {
    case PhoneNumberUtil::IS_POSSIBLE:
      return "";
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      return "no country has this country code";
    case PhoneNumberUtil::TOO_LONG:
      return "too long for " + region_of(n);
    case PhoneNumberUtil::INVALID_LENGTH:
      return "wrong length for " + region_of(n);
    default:  // TOO_SHORT, IS_POSSIBLE_LOCAL_ONLY: a local number is no E.164 number
      return "too short for " + region_of(n);
  }
}

// The main region of a calling code ("US" for 1), asked of libphonenumber once per code:
// GetRegionCodeForCountryCode copies a list of regions at every call.
const std::string& main_region_of(int calling_code) {
  static const std::map<int, std::string> regions = [] {
    std::set<int> codes;
    util().GetSupportedCallingCodes(&codes);
    std::map<int, std::string> out;
    for (int code : codes) util().GetRegionCodeForCountryCode(code, &out[code]);
    return out;
  }();
  static const std::string unknown = "ZZ";
  const auto it = regions.find(calling_code);
  return it == regions.end() ? unknown : it->second;
}

// The number as strict E.164 text writes it: the calling code libphonenumber knows (1 to 3
// digits, as its parser finds it), then the national significant number. Not for a national
// number of two leading zeros, which libphonenumber 8.12's numbers cannot hold.
std::optional<PhoneNumber> as_written(const std::string& e164) {
  if (e164.size() < 3 || e164[0] != '+' || e164[1] == '0') return std::nullopt;
  for (std::size_t digits = 1; digits <= 3 && digits + 1 < e164.size(); ++digits) {
    const int code = std::stoi(e164.substr(1, digits));
    if (main_region_of(code) == "ZZ") continue;
    const std::string national = e164.substr(1 + digits);
    if (national.size() > 17 || national.rfind("00", 0) == 0) return std::nullopt;
    PhoneNumber n;
    n.set_country_code(code);
    n.set_national_number(std::stoull(national));
    if (national[0] == '0') n.set_italian_leading_zero(true);
    return n;
  }
  return std::nullopt;
}

Verdict verdict_of(const std::string& e164) {
  // A number valid as written is fine. libphonenumber's Parse (8 of the 11 us a number takes)
  // would also strip a national prefix written after the calling code, which strict E.164 has
  // no room for: its digits are the national number.
  const std::optional<PhoneNumber> written = as_written(e164);
  if (written && util().IsValidNumberForRegion(*written, main_region_of(written->country_code())))
    return {};
  PhoneNumber n;
  const auto parsed = util().Parse(e164, "ZZ", &n);
  if (parsed != PhoneNumberUtil::NO_PARSING_ERROR)
    return {Verdict::Error, "impossible phone number " + e164 + ": " + parse_problem(parsed)};
  // Most numbers belong to their country code's main region: asking it first spares the walk
  // over every region of the code (25 for +1) that IsValidNumber makes. Same answer. A valid
  // number is possible (both judge its length by the same metadata): that check can wait.
  const bool same = written && written->country_code() == n.country_code() &&
                    written->national_number() == n.national_number() &&
                    written->italian_leading_zero() == n.italian_leading_zero();
  if (!same && util().IsValidNumberForRegion(n, main_region_of(n.country_code()))) return {};
  const std::string problem = length_problem(n);
  if (!problem.empty()) return {Verdict::Error, "impossible phone number " + e164 + ": " + problem};
  if (!util().IsValidNumber(n)) {
    return {Verdict::Warning, "phone number " + e164 + " is not valid in " + region_of(n) +
                                  ": no such area code or range (libphonenumber)"};
  }
  return {};
}

// The module's two other functions (phone_lib.h says what they do).
std::optional<std::string> known_region(const std::string& region) {
  std::string code = region;
  for (char& c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  std::set<std::string> regions;
  util().GetSupportedRegions(&regions);
  if (!regions.count(code)) return std::nullopt;
  return code;
}

std::optional<std::string> to_e164(const std::string& text, const std::string& region,
                                   std::string& why) {
  PhoneNumber n;
  const auto parsed = util().Parse(text, region, &n);
  if (parsed != PhoneNumberUtil::NO_PARSING_ERROR) {
    why = parse_problem(parsed);
    return std::nullopt;
  }
  std::string out;
  util().Format(n, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace

}  // namespace xs::mapping

const xs::mapping::PhoneLib* xs_phone_lib() {
  static const xs::mapping::PhoneLib lib = {&xs::mapping::verdict_of, &xs::mapping::known_region,
                                            &xs::mapping::to_e164};
  return &lib;
}

#include "mapping/phone_lib.h"

#include <phonenumbers/phonenumberutil.h>

#include <set>

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

}  // namespace

bool check_phone(Diags& diags, const Location& at, const std::string& e164) {
  PhoneNumber n;
  const auto parsed = util().Parse(e164, "ZZ", &n);
  std::string problem =
      parsed == PhoneNumberUtil::NO_PARSING_ERROR ? length_problem(n) : parse_problem(parsed);
  if (!problem.empty()) {
    diags.error(at, "impossible phone number " + e164 + ": " + problem);
    return false;
  }
  // Most numbers belong to their country code's main region: asking it first spares the walk
  // over every region of the code (25 for +1) that IsValidNumber makes. Same answer.
  std::string main_region;
  util().GetRegionCodeForCountryCode(n.country_code(), &main_region);
  if (!util().IsValidNumberForRegion(n, main_region) && !util().IsValidNumber(n)) {
    diags.warning(at, "phone number " + e164 + " is not valid in " + region_of(n) +
                          ": no such area code or range (libphonenumber)");
  }
  return true;
}

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

}  // namespace xs::mapping

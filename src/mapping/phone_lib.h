#pragma once
// Phone numbers checked by libphonenumber; its types stay in phone_lib.cpp (private to
// src/mapping).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mapping/diagnostics.h"

namespace xs::mapping {

// Reports at `at` what libphonenumber says of a strict E.164 number: impossible for its
// country (no such country code, too short, too long) is an error and gives false; possible
// but not valid (an unassigned area code) a warning naming the region it would belong to.
bool check_phone(Diags& diags, const Location& at, const std::string& e164);

// The same checks for many numbers, made together on every core once the files are read
// (libphonenumber takes about 10 us a number: a second for 100k numbers on one core). The
// reports are those check_phone makes, in the order the numbers were added.
class PhoneChecks {
 public:
  void add(const Location& at, const std::string& e164);
  void run(Diags& diags);  // then forgets the numbers

 private:
  std::vector<std::pair<Location, std::string>> pending_;
};

// The upper-case code of a region libphonenumber knows ("us" -> "US"), or nullopt.
std::optional<std::string> known_region(const std::string& region);

// text written as people in region write numbers ("(212) 555-0123", "+1 212 555 0123") as
// E.164, or nullopt with why set ("not a phone number", "too short", ...).
std::optional<std::string> to_e164(const std::string& text, const std::string& region,
                                   std::string& why);

}  // namespace xs::mapping

#pragma once
// Strict E.164 phone numbers, with friendly hints for the usual near misses.
#include <string>

namespace xs::mapping {

// True for '+' followed by 2 to 15 digits, the first of them not 0.
bool is_e164(const std::string& s);

// "invalid phone number 'S': <hint>" for a string that is not strict E.164.
std::string e164_error(const std::string& s);

}  // namespace xs::mapping

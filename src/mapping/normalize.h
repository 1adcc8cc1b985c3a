#pragma once
// Phone numbers as servers write them (XUNA's list, Twilio's), read with libphonenumber so
// the diff compares one form (docs/DESIGN.md §4). libphonenumber stays in this room.
#include <optional>
#include <string>

namespace xs::mapping {

// text as strict E.164: as it is when it already is ("+12125550101"), else as libphonenumber
// reads an international number ("+1 212-555-0101", "tel:+1-212-555-0101"); nullopt with why
// set when it cannot be read ("not a phone number", "too short", ...).
std::optional<std::string> normalize_e164(const std::string& text, std::string& why);

}  // namespace xs::mapping

// Deterministic identifiers: the same fixture and request sequence give the same ids.
#pragma once

#include <cstdint>
#include <string>

namespace xs::emu {

// prefix + 20 lowercase alphanumerics derived from counter (distinct counters, distinct ids).
std::string counterId(const std::string& prefix, std::uint64_t counter);

// A Twilio-looking SID: prefix + 32 lowercase hex digits derived from seed text.
std::string derivedSid(const std::string& prefix, const std::string& seedText);

}  // namespace xs::emu

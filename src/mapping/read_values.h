#pragma once
// Typed values on top of MapReader (private to src/mapping).
#include <optional>
#include <string>

#include "mapping/yaml_read.h"

namespace xs::mapping {

// key's unquoted true/false (any case YAML 1.2 allows); nullopt when absent or wrong
// (reported: "expected true or false for 'KEY'").
std::optional<bool> read_bool(Ctx& ctx, MapReader& r, const std::string& key);

// key's unquoted number, greater than 0 and at most max (whole when whole); nullopt when
// absent or wrong (reported: "expected a number greater than 0 ... for 'KEY'").
std::optional<double> read_positive(Ctx& ctx, MapReader& r, const std::string& key, double max,
                                    bool whole);

// key's region code for national phone numbers, upper-cased ("us" -> "US"); nullopt when
// absent, empty or unknown (reported).
std::optional<std::string> read_region(Ctx& ctx, MapReader& r, const std::string& key);

}  // namespace xs::mapping

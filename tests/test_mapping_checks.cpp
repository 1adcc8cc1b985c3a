// Per-number options and the text checks: routing_takeover, control characters and bidi
// overrides in labels, names and messages.
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping_fixtures.h"

namespace {

using Lines = std::vector<std::string>;

// Numbers from line 11 of m.yaml on (kMappingHeader ends with "numbers:").
xs::LoadResult load(const std::string& numbers) {
  return xs::load_mapping_sources({{"m.yaml", xs::test::kMappingHeader + numbers}});
}

Lines check(const std::string& numbers) {
  Lines out;
  for (const auto& d : load(numbers).diagnostics) out.push_back(d.str());
  return out;
}

}  // namespace

TEST_CASE("routing_takeover is false unless a number sets it to true") {
  const auto r = load(
      "  - phone_number: \"+12125550100\"\n"
      "    label: IVR line\n"
      "    routing_takeover: true\n"
      "  - phone_number: \"+12125550101\"\n"
      "    label: Plain\n"
      "  - phone_number: \"+12125550102\"\n"
      "    label: Explicit\n"
      "    routing_takeover: false\n");
  REQUIRE(r.ok());
  REQUIRE(r.diagnostics.empty());
  REQUIRE(r.desired.numbers.size() == 3);
  CHECK(r.desired.numbers[0].routing_takeover);
  CHECK_FALSE(r.desired.numbers[1].routing_takeover);
  CHECK_FALSE(r.desired.numbers[2].routing_takeover);
}

TEST_CASE("routing_takeover must be a boolean") {
  CHECK(check("  - phone_number: \"+12125550100\"\n"
              "    label: IVR line\n"
              "    routing_takeover: \"yes\"\n"
              "  - phone_number: \"+12125550101\"\n"
              "    label: Other\n"
              "    routing_takeover: [true]\n") ==
        Lines{"m.yaml:13:23: expected true or false for 'routing_takeover'",
              "m.yaml:16:23: expected a string for 'routing_takeover'"});
}

// A large mapping loads whole, and a duplicate far down is still found (timing is measured
// by scripts/bench.sh, not asserted here).
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping_fixtures.h"

TEST_CASE("10,000 numbers load, and a duplicate at the end names the first") {
  std::string text = xs::test::kMappingHeader;
  for (int i = 0; i < 10000; ++i) {
    text += "  - phone_number: \"+1212" + std::to_string(2000000 + i) + "\"\n";
    text += "    label: Line " + std::to_string(i) + "\n";
    text += "    agent: support\n";
  }
  text += "  - phone_number: \"+12122000000\"\n    label: Again\n";
  const auto r = xs::load_mapping_sources({{"big.yaml", text}});
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(
      r.diagnostics[0].str() ==
      "big.yaml:30011:19: duplicate phone number +12122000000 (first declared at big.yaml:11:19)");
  CHECK(r.desired.numbers.size() == 10000);
}

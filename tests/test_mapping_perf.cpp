// A large mapping loads whole, and a duplicate far down is still found (timing is measured
// by scripts/bench.sh, not asserted here).
#include <catch2/catch.hpp>

#include "mapping/load.h"

TEST_CASE("10,000 numbers load, and a duplicate at the end names the first") {
  std::string text =
      "version: 1\n"
      "twilio_accounts:\n"
      "  main:\n"
      "    account_sid: AC0123456789abcdef0123456789abcdef\n"
      "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"
      "agents:\n"
      "  support: agent_7101k5zvyjhmfg983brhmhkd98n6\n"
      "defaults:\n"
      "  twilio_account: main\n"
      "numbers:\n";
  for (int i = 0; i < 10000; ++i) {
    text += "  - phone_number: \"+1555" + std::to_string(1000000 + i) + "\"\n";
    text += "    label: Line " + std::to_string(i) + "\n";
    text += "    agent: support\n";
  }
  text += "  - phone_number: \"+15551000000\"\n    label: Again\n";
  const auto r = xs::load_mapping_sources({{"big.yaml", text}});
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(
      r.diagnostics[0].str() ==
      "big.yaml:30011:19: duplicate phone number +15551000000 (first declared at big.yaml:11:19)");
  CHECK(r.desired.numbers.size() == 10000);
}

// A large mapping loads in linear time.
#include <catch2/catch.hpp>
#include <chrono>

#include "mapping/load.h"

TEST_CASE("10,000 numbers (and one duplicate) load quickly") {
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
  const auto start = std::chrono::steady_clock::now();
  const auto r = xs::load_mapping_sources({{"big.yaml", text}});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].str() ==
        "big.yaml:30011:19: duplicate phone number +15551000000 (first declared at big.yaml:11:19)");
  CHECK(r.desired.numbers.size() == 10000);
  WARN("loaded 10,001 numbers in " << seconds << " s");
  CHECK(seconds < 3.0);  // a Debug bound; Release is far below 0.3 s
}

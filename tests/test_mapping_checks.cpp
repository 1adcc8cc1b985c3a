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

TEST_CASE("a NUL in a label is refused, other forging characters are warned about") {
  CHECK(check("  - phone_number: \"+12125550100\"\n"
              "    label: \"Support\\0\"\n"
              "  - phone_number: \"+12125550101\"\n"
              "    label: \"Sales\\n  + import  +19999999999 FAKE\"\n"
              "  - phone_number: \"+12125550102\"\n"
              "    label: \"Tab\\there\"\n"
              "  - phone_number: \"+12125550103\"\n"
              "    label: \"\\e[31mred\"\n"
              "  - phone_number: \"+12125550104\"\n"
              "    label: \"next\\x85line\"\n"
              "  - phone_number: \"+12125550105\"\n"
              "    label: \"evil\\u202Etxt.exe\"\n"
              "  - phone_number: \"+12125550106\"\n"
              "    label: \"isolate\\u2066x\\u2069\"\n"
              "  - phone_number: \"+12125550107\"\n"
              "    label: \"Zoë — café ✓\"\n") ==
        Lines{"m.yaml:12:12: label contains a NUL character",
              "m.yaml:14:12: warning: label contains the control character U+000A (text output "
              "shows it escaped)",
              "m.yaml:16:12: warning: label contains the control character U+0009 (text output "
              "shows it escaped)",
              "m.yaml:18:12: warning: label contains the control character U+001B (text output "
              "shows it escaped)",
              "m.yaml:20:12: warning: label contains the control character U+0085 (text output "
              "shows it escaped)",
              "m.yaml:22:12: warning: label contains the bidirectional control U+202E (text "
              "output shows it escaped)",
              "m.yaml:24:12: warning: label contains the bidirectional control U+2066 (text "
              "output shows it escaped)"});
}

TEST_CASE("names and messages are checked like labels") {
  const auto r =
      xs::load_mapping_sources({{"m.yaml",
                                 "version: 1\n"
                                 "twilio_accounts:\n"
                                 "  \"main\\e\":\n"
                                 "    account_sid: AC0123456789abcdef0123456789abcdef\n"
                                 "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"
                                 "agents:\n"
                                 "  \"sup\\u202Eport\": agent_7101k5zvyjhmfg983brhmhkd98n6\n"
                                 "  support: agent_7101k5zvyjhmfg983brhmhkd98n6\n"
                                 "numbers:\n"
                                 "  - phone_number: \"+12125550100\"\n"
                                 "    label: L\n"
                                 "    twilio_account: \"main\\e\"\n"
                                 "batch_calls:\n"
                                 "  - name: \"spring\\rsale\"\n"
                                 "    agent: support\n"
                                 "    from: \"+12125550100\"\n"
                                 "    calls:\n"
                                 "      - to: \"+12125550150\"\n"
                                 "        first_message: \"Hi\\0\"\n"}});
  Lines got;
  for (const auto& d : r.diagnostics) got.push_back(d.str());
  CHECK(got == Lines{"m.yaml:3:3: warning: twilio account name contains the control character "
                     "U+001B (text output shows it escaped)",
                     "m.yaml:7:3: warning: agent alias contains the bidirectional control U+202E "
                     "(text output shows it escaped)",
                     "m.yaml:14:11: warning: batch name contains the control character U+000D "
                     "(text output shows it escaped)",
                     "m.yaml:19:24: first_message contains a NUL character"});
}

TEST_CASE("a tab used to indent YAML is named as such") {
  const auto lines = [](const std::string& text) {
    Lines out;
    for (const auto& d : xs::load_mapping_sources({{"t.yaml", text}}).diagnostics) {
      out.push_back(d.str());
    }
    return out;
  };
  CHECK(lines("version: 1\nnumbers:\n\t- phone_number: x\n") ==
        Lines{"t.yaml:3:1: tabs cannot indent YAML; use spaces"});
  CHECK(lines("version: 1\nnumbers:\n  - phone_number: x\n\t  label: y\n") ==
        Lines{"t.yaml:4:1: tabs cannot indent YAML; use spaces"});
  CHECK(lines("version: 1\ndefaults:\n  \ttwilio_account: main\n") ==
        Lines{"t.yaml:3:3: tabs cannot indent YAML; use spaces"});
  CHECK(lines("version: 1\nnumbers: [\n") ==
        Lines{"t.yaml:3:1: end of sequence flow not found (the '[' at line 2, column 10 is not closed)"});
}

TEST_CASE("a batch calling one of the mapping's own numbers is warned about") {
  CHECK(check("  - phone_number: \"+12125550100\"\n"
              "    label: Outbound\n"
              "  - phone_number: \"+12125550101\"\n"
              "    label: Support\n"
              "batch_calls:\n"
              "  - name: renewals\n"
              "    agent: support\n"
              "    from: \"+12125550100\"\n"
              "    calls:\n"
              "      - to: \"+12125550150\"\n"
              "      - to: \"+12125550101\"\n") ==
        Lines{"m.yaml:21:13: warning: batch 'renewals' calls +12125550101, one of the mapping's "
              "own numbers (declared at m.yaml:13:19)"});
}

// cutover: (issue 22): fallback and probation, top level and per number, and what is refused.
#include <catch2/catch.hpp>

#include "mapping/load.h"

using namespace xs;

namespace {

using Lines = std::vector<std::string>;

const std::string kHead =
    "version: 1\n"                                           // 1
    "twilio_accounts:\n"                                     // 2
    "  main:\n"                                              // 3
    "    account_sid: AC0123456789abcdef0123456789abcdef\n"  // 4
    "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"           // 5
    "defaults:\n"                                            // 6
    "  twilio_account: main\n";                              // 7

Lines problems(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<MappingSource> sources;
  for (const auto& [name, text] : files) sources.push_back({name, text});
  Lines out;
  for (const auto& d : load_mapping_sources(sources).diagnostics) out.push_back(d.str());
  return out;
}

const DesiredNumber& number(const Desired& d, const std::string& e164) {
  for (const auto& n : d.numbers)
    if (n.phone_number == e164) return n;
  FAIL("no " << e164);
  return d.numbers.front();
}

}  // namespace

TEST_CASE("cutover: defaults, the top level, and a number's own keys over it") {
  auto loaded = load_mapping_sources({{"m.yaml", kHead +
                                                     "cutover:\n"
                                                     "  fallback: keep\n"
                                                     "  probation: 48h\n"
                                                     "numbers:\n"
                                                     "  - phone_number: \"+12125554567\"\n"
                                                     "    label: A\n"
                                                     "  - phone_number: \"+12125554568\"\n"
                                                     "    label: B\n"
                                                     "    cutover: {probation: 30s}\n"
                                                     "  - phone_number: \"+12125554569\"\n"
                                                     "    label: C\n"
                                                     "    cutover:\n"
                                                     "      fallback: none\n"}});
  REQUIRE(loaded.diagnostics.empty());
  const Desired& d = loaded.desired;
  CHECK(number(d, "+12125554567").cutover.fallback == FallbackPolicy::Keep);
  CHECK(number(d, "+12125554567").cutover.probation == std::chrono::hours(48));
  CHECK(number(d, "+12125554568").cutover.fallback == FallbackPolicy::Keep);
  CHECK(number(d, "+12125554568").cutover.probation == std::chrono::seconds(30));
  CHECK(number(d, "+12125554569").cutover.fallback == FallbackPolicy::None);

  auto plain = load_mapping_sources(
      {{"m.yaml", kHead + "numbers:\n  - {phone_number: \"+12125554567\", label: A}\n"}});
  REQUIRE(plain.diagnostics.empty());
  CHECK(plain.desired.numbers.at(0).cutover.fallback == FallbackPolicy::Previous);
  CHECK(plain.desired.numbers.at(0).cutover.probation == std::chrono::hours(14 * 24));
  for (const auto& [text, seconds] :
       std::vector<std::pair<std::string, long>>{{"0s", 0}, {"10m", 600}, {"14d", 1209600}}) {
    auto l = load_mapping_sources({{"m.yaml", kHead + "cutover: {probation: " + text +
                                                  "}\nnumbers:\n  - {phone_number: "
                                                  "\"+12125554567\", label: A}\n"}});
    REQUIRE(l.diagnostics.empty());
    CHECK(l.desired.numbers.at(0).cutover.probation.count() == seconds);
  }
}

TEST_CASE("cutover: bad values and unknown keys at FILE:LINE:COL") {
  CHECK(problems({{"m.yaml", kHead +
                                 "cutover:\n"                           // 8
                                 "  fallback: always\n"                 // 9
                                 "  probation: 2 weeks\n"               // 10
                                 "  probaton: 3d\n"                     // 11
                                 "numbers:\n"                           // 12
                                 "  - phone_number: \"+12125554567\"\n"  // 13
                                 "    label: A\n"                       // 14
                                 "    cutover:\n"                       // 15
                                 "      falback: none\n"                // 16
                                 "      probation: 14\n"                // 17
                                 "  - phone_number: \"+12125554568\"\n"  // 18
                                 "    label: B\n"                       // 19
                                 "    cutover: previous\n"}}) ==        // 20
        Lines{
            "m.yaml:9:13: unknown fallback 'always' (expected previous, none or keep)",
            "m.yaml:10:14: invalid probation '2 weeks' (expected a whole number and s, m, h or "
            "d: 30s, 10m, 48h, 14d)",
            "m.yaml:11:3: unknown key 'probaton' (did you mean 'probation'?)",
            "m.yaml:16:7: unknown key 'falback' (did you mean 'fallback'?)",
            "m.yaml:17:18: invalid probation '14' (expected a whole number and s, m, h or d: "
            "30s, 10m, 48h, 14d)",
            "m.yaml:20:14: expected a map for 'cutover'",
        });
}

TEST_CASE("cutover: two files with different top-level cutovers conflict") {
  const std::string numbers = "numbers:\n  - {phone_number: \"+12125554567\", label: A}\n";
  CHECK(problems({{"a.yaml", kHead + "cutover: {probation: 1d}\n" + numbers},
                  {"b.yaml", "version: 1\ncutover: {probation: 2d}\n"}}) ==
        Lines{"b.yaml:2:1: conflicting 'cutover' (first declared at a.yaml:8:1): set the "
              "top-level 'cutover' in one file only"});
  CHECK(problems({{"a.yaml", kHead + "cutover: {probation: 1d}\n" + numbers},
                  {"b.yaml", "version: 1\ncutover: {probation: 24h}\n"}})
            .empty());
}

// Several files, one mapping: what merges, what conflicts, and in which order it is reported.
#include <catch2/catch.hpp>

#include "mapping/load.h"

namespace {

using Lines = std::vector<std::string>;

Lines diags_of(const xs::LoadResult& r) {
  Lines out;
  for (const auto& d : r.diagnostics) out.push_back(d.str());
  return out;
}

const std::string kAccounts =
    "version: 1\n"
    "twilio_accounts:\n"
    "  main:\n"  // 3
    "    account_sid: AC0123456789abcdef0123456789abcdef\n"
    "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"
    "agents:\n"
    "  support: agent_7101k5zvyjhmfg983brhmhkd98n6\n"  // 7
    "defaults:\n"                                      // 8
    "  twilio_account: main\n";

}  // namespace

TEST_CASE("accounts, agents and numbers from several files merge into one mapping") {
  const auto r = xs::load_mapping_sources({
      {"00-accounts.yaml", kAccounts},
      {"10-support.yaml",
       "version: 1\nnumbers:\n  - {phone_number: \"+12125554569\", label: B, "
       "agent: support}\n"},
      {"20-sales.json", R"({"version": 1, "agents": {"sales": "agent_2202k5zvyjhmfg983brhmhkd98n7"},
 "numbers": [{"phone_number": "+12125554568", "label": "A", "agent": "sales"}]})"},
  });
  CHECK(diags_of(r).empty());
  REQUIRE(r.desired.numbers.size() == 2);
  CHECK(r.desired.numbers[0].phone_number == "+12125554568");
  CHECK(r.desired.numbers[0].agent_id == "agent_2202k5zvyjhmfg983brhmhkd98n7");
  CHECK(r.desired.numbers[0].twilio_account == "main");
  CHECK(r.desired.numbers[0].loc.str() == "20-sales.json:2:14");
  CHECK(r.desired.numbers[1].agent_id == "agent_7101k5zvyjhmfg983brhmhkd98n6");
  CHECK(r.desired.agents.size() == 2);
}

TEST_CASE("the same account or alias declared twice must agree") {
  const std::string same = kAccounts;
  CHECK(diags_of(xs::load_mapping_sources({{"a.yaml", kAccounts}, {"b.yaml", same}})).empty());
  const auto r = xs::load_mapping_sources({
      {"a.yaml", kAccounts},
      {"b.yaml",
       "version: 1\n"
       "twilio_accounts:\n"
       "  main:\n"
       "    account_sid: AC0123456789abcdef0123456789abcdef\n"
       "    auth_token_env: OTHER_TOKEN\n"
       "agents:\n"
       "  support: agent_9999k5zvyjhmfg983brhmhkd98n6\n"},
  });
  CHECK(diags_of(r) ==
        Lines{
            "b.yaml:3:3: conflicting definition of twilio account 'main' (first declared at "
            "a.yaml:3:3)",
            "b.yaml:7:3: conflicting definition of agent alias 'support' (first declared at "
            "a.yaml:7:3)",
        });
  CHECK(r.desired.twilio_accounts.at("main").auth_token_env == "TWILIO_MAIN_AUTH_TOKEN");
}

TEST_CASE("defaults may be set in one file only (a repeat that agrees is tolerated)") {
  CHECK(diags_of(xs::load_mapping_sources(
                     {{"a.yaml", kAccounts},
                      {"b.yaml", "version: 1\ndefaults:\n  twilio_account: main\n"}}))
            .empty());
  CHECK(diags_of(xs::load_mapping_sources(
                     {{"a.yaml", kAccounts}, {"b.yaml", "version: 1\ndefaults:\n"}}))
            .empty());
  CHECK(diags_of(xs::load_mapping_sources(
            {{"a.yaml", kAccounts},
             {"b.yaml", "version: 1\nnumbers: []\ndefaults:\n  twilio_account: other\n"}})) ==
        Lines{"b.yaml:3:1: conflicting 'defaults' (first declared at a.yaml:8:1): set "
              "'defaults' in one file only"});
}

TEST_CASE("every file needs its own version") {
  CHECK(diags_of(xs::load_mapping_sources(
            {{"a.yaml", kAccounts}, {"b.yaml", "numbers: []\n"}, {"c.yaml", "version: 3\n"}})) ==
        Lines{
            "b.yaml:1:1: missing required key 'version' (expected 'version: 1')",
            "c.yaml:1:10: unsupported version 3 (expected 1)",
        });
}

TEST_CASE("diagnostics are sorted by file order, then line, then column") {
  const auto r = xs::load_mapping_sources({
      {"z.yaml",
       "version: 1\nnumbers:\n  - {phone_number: \"+12125554567\", label: A, agent: "
       "x}\n  - {label: B}\n"},
      {"a.yaml", "version: 2\n"},
  });
  CHECK(diags_of(r) ==
        Lines{
            "z.yaml:3:5: no twilio account for +12125554567: set 'twilio_account' or "
            "'defaults.twilio_account'",
            "z.yaml:3:53: unknown agent alias 'x' (define it under 'agents:', or use an agent id "
            "starting with 'agent_')",
            "z.yaml:4:5: missing required key 'phone_number'",
            "a.yaml:1:10: unsupported version 2 (expected 1)",
        });
  CHECK_FALSE(r.ok());
}

TEST_CASE("a broken file doesn't hide the problems of the others") {
  const auto r = xs::load_mapping_sources({
      {"a.yaml", "version: 1\nnumbers: [\n"},
      {"b.yaml", kAccounts + "numbers:\n  - {phone_number: \"+12125554567\", label: \"\"}\n"},
  });
  CHECK(diags_of(r) ==
        Lines{"a.yaml:3:1: end of sequence flow not found (the '[' at line 2, column 10 is not "
              "closed)",
              "b.yaml:11:43: empty label"});
}

TEST_CASE("Diagnostic::str and LoadResult::ok") {
  xs::Diagnostic d{{"m.yaml", 3, 7}, "boom"};
  CHECK(d.str() == "m.yaml:3:7: boom");
  d.warning = true;
  CHECK(d.str() == "m.yaml:3:7: warning: boom");
  CHECK(xs::Diagnostic{{"m.yaml", 0, 0}, "empty"}.str() == "m.yaml: empty");
  xs::LoadResult r;
  CHECK(r.ok());
  r.diagnostics.push_back(d);
  CHECK(r.ok());
  d.warning = false;
  r.diagnostics.push_back(d);
  CHECK_FALSE(r.ok());
}

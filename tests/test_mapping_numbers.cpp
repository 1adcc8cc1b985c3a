// Numbers: E.164, duplicates, agent aliases and Twilio accounts, and what they resolve to.
#include <catch2/catch.hpp>

#include "mapping/load.h"

namespace {

using Lines = std::vector<std::string>;

const std::string kBase =
    "version: 1\n"                                           // 1
    "twilio_accounts:\n"                                     // 2
    "  main:\n"                                              // 3
    "    account_sid: AC0123456789abcdef0123456789abcdef\n"  // 4
    "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"           // 5
    "  backup:\n"                                            // 6
    "    account_sid_env: TWILIO_BACKUP_SID\n"               // 7
    "    auth_token_env: TWILIO_BACKUP_AUTH_TOKEN\n"         // 8
    "agents:\n"                                              // 9
    "  support: agent_7101k5zvyjhmfg983brhmhkd98n6\n"        // 10
    "  sales: agent_2202k5zvyjhmfg983brhmhkd98n7\n"          // 11
    "defaults:\n"                                            // 12
    "  twilio_account: main\n";                              // 13

xs::LoadResult load(const std::string& text) {
  return xs::load_mapping_sources({{"base.yaml", kBase}, {"m.yaml", text}});
}

Lines check(const std::string& text) {
  Lines out;
  for (const auto& d : load(text).diagnostics) out.push_back(d.str());
  return out;
}

std::string number(const std::string& phone, const std::string& extra = "") {
  return "  - phone_number: " + phone + "\n    label: L\n" + extra;
}

}  // namespace

TEST_CASE("numbers resolve their agent and Twilio account, sorted by number") {
  const auto r = load(
      "version: 1\n"
      "numbers:\n"
      "  - phone_number: \"+12125554568\"\n"
      "    label: Sales Line\n"
      "    agent: sales\n"
      "    twilio_account: backup\n"
      "  - phone_number: +12125554567\n"
      "    label: Customer Support Line\n"
      "    agent: agent_9999k5zvyjhmfg983brhmhkd98n9\n"
      "  - phone_number: \"+12125551111\"\n"
      "    label: Fax\n"
      "    agent:\n");
  REQUIRE(r.ok());
  const auto& n = r.desired.numbers;
  REQUIRE(n.size() == 3);
  CHECK(n[0].phone_number == "+12125551111");
  CHECK(n[0].agent_id.empty());
  CHECK(n[0].agent_ref.empty());
  CHECK(n[0].twilio_account == "main");
  CHECK(n[0].loc.str() == "m.yaml:10:5");
  CHECK(n[1].phone_number == "+12125554567");
  CHECK(n[1].label == "Customer Support Line");
  CHECK(n[1].agent_id == "agent_9999k5zvyjhmfg983brhmhkd98n9");
  CHECK(n[1].agent_ref == "agent_9999k5zvyjhmfg983brhmhkd98n9");
  CHECK(n[2].agent_id == "agent_2202k5zvyjhmfg983brhmhkd98n7");
  CHECK(n[2].agent_ref == "sales");
  CHECK(n[2].twilio_account == "backup");
  CHECK(r.desired.agents.at("support") == "agent_7101k5zvyjhmfg983brhmhkd98n6");
  const auto& backup = r.desired.twilio_accounts.at("backup");
  CHECK(backup.account_sid.empty());
  CHECK(backup.account_sid_env == "TWILIO_BACKUP_SID");
  CHECK(backup.loc.str() == "base.yaml:6:3");
}

TEST_CASE("phone numbers must be strict E.164, with hints") {
  CHECK(check("version: 1\nnumbers:\n" + number("15551234567") +  // 3
              number("\"(555) 123-4567\"") +                      // 5
              number("\"+1 555 123 4567\"") +                     // 7
              number("555-123-4567") +                            // 9
              number("\"+05551234567\"") +                        // 11
              number("\"+1555123456789012\"") +                   // 13
              number("\"tel:+12125554567\"")) ==                  // 15
        Lines{
            "m.yaml:3:19: invalid phone number '15551234567': use E.164 with a leading '+': "
            "'+15551234567'",
            "m.yaml:5:19: invalid phone number '(555) 123-4567': use E.164 with the country code, "
            "perhaps '+15551234567'",
            "m.yaml:7:19: invalid phone number '+1 555 123 4567': use E.164 without spaces or "
            "punctuation: '+15551234567'",
            "m.yaml:9:19: invalid phone number '555-123-4567': use E.164 with the country code, "
            "perhaps '+15551234567'",
            "m.yaml:11:19: invalid phone number '+05551234567': the country code after '+' "
            "cannot start with 0",
            "m.yaml:13:19: invalid phone number '+1555123456789012': E.164 allows at most 15 "
            "digits after '+'",
            "m.yaml:15:19: invalid phone number 'tel:+12125554567': use E.164, like "
            "'+15551234567'",
        });
}

TEST_CASE("the same number twice is an error naming both places, across files too") {
  CHECK(check("version: 1\nnumbers:\n" + number("\"+12125554567\"") + number("\"+12125554567\"")) ==
        Lines{"m.yaml:5:19: duplicate phone number +12125554567 (first declared at "
              "m.yaml:3:19)"});
  const auto r = xs::load_mapping_sources({
      {"a.yaml", kBase + "numbers:\n" + number("\"+12125554567\"")},
      {"b.yaml",
       "version: 1\nnumbers:\n" + number("\"+12125554568\"") + number("\"+12125554567\"")},
  });
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].str() ==
        "b.yaml:5:19: duplicate phone number +12125554567 (first declared at a.yaml:15:19)");
  CHECK(r.desired.numbers.size() == 2);
}

TEST_CASE("agent values: ids pass, aliases must exist") {
  CHECK(check("version: 1\nnumbers:\n" + number("\"+12125554567\"", "    agent: suport\n") +
              number("\"+12125554568\"", "    agent: marketing\n") +
              number("\"+12125554569\"", "    agent: Sales\n") +
              number("\"+12125554570\"", "    agent: agent_\n")) ==
        Lines{
            "m.yaml:5:12: unknown agent alias 'suport' (did you mean 'support'?)",
            "m.yaml:8:12: unknown agent alias 'marketing' (define it under 'agents:', or use an "
            "agent id starting with 'agent_')",
            "m.yaml:11:12: unknown agent alias 'Sales' (did you mean 'sales'?)",
            "m.yaml:14:12: incomplete agent id 'agent_'",
        });
}

TEST_CASE("alias values must be agent ids, alias names must not look like one") {
  CHECK(check("version: 1\n"
              "agents:\n"
              "  billing: bob\n"
              "  agent_x: agent_7101k5zvyjhmfg983brhmhkd98n6\n"
              "  empty: agent_\n"
              "numbers:\n" +
              number("\"+12125554567\"", "    agent: billing\n")) ==
        Lines{
            "m.yaml:3:12: invalid agent id 'bob' for alias 'billing': agent ids start with "
            "'agent_'",
            "m.yaml:4:3: agent alias 'agent_x' must not start with 'agent_' (that prefix marks an "
            "agent id)",
            "m.yaml:5:10: invalid agent id 'agent_' for alias 'empty': agent ids start with "
            "'agent_'",
        });
}

TEST_CASE("Twilio accounts must exist, a number without one needs a default") {
  CHECK(check("version: 1\nnumbers:\n" + number("\"+12125554567\"", "    twilio_account: mian\n") +
              number("\"+12125554568\"", "    twilio_account: other\n")) ==
        Lines{
            "m.yaml:5:21: unknown twilio account 'mian' (did you mean 'main'?)",
            "m.yaml:8:21: unknown twilio account 'other' (define it under 'twilio_accounts:')",
        });
  const auto r =
      xs::load_mapping_sources({{"m.yaml", "version: 1\nnumbers:\n" + number("\"+12125554567\"")}});
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].str() ==
        "m.yaml:3:5: no twilio account for +12125554567: set 'twilio_account' or "
        "'defaults.twilio_account'");
}

TEST_CASE("the default Twilio account must exist") {
  const auto r = xs::load_mapping_sources(
      {{"m.yaml", "version: 1\ndefaults:\n  twilio_account: mainn\nnumbers:\n" +
                      number("\"+12125554567\"")}});
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].str() ==
        "m.yaml:3:19: unknown twilio account 'mainn' (define it under "
        "'twilio_accounts:')");
}

TEST_CASE("Twilio account credentials: SID formats, exactly one SID source") {
  CHECK(check("version: 1\n"
              "twilio_accounts:\n"
              "  a:\n"                     // 3
              "    account_sid: AC0123\n"  // 4
              "    auth_token_env: T\n"
              "    api_key_sid: SK12\n"  // 6
              "  b:\n"                   // 7
              "    account_sid: AC0123456789abcdef0123456789abcdef\n"
              "    account_sid_env: B_SID\n"  // 9
              "    auth_token_env: T\n"
              "  c:\n"                                  // 11
              "    account_sid_env: 1SID\n"             // 12
              "    auth_token_env: \"my token\"\n") ==  // 13
        Lines{
            "m.yaml:4:18: invalid account SID: expected 'AC' followed by 32 hex digits",
            "m.yaml:6:18: invalid API key SID: expected 'SK' followed by 32 hex digits",
            "m.yaml:9:5: 'account_sid' and 'account_sid_env' are mutually exclusive",
            "m.yaml:12:22: 'account_sid_env' must name an environment variable (letters, digits "
            "and '_', not starting with a digit); the value is not shown in case it is a secret",
            "m.yaml:13:21: 'auth_token_env' must name an environment variable (letters, digits "
            "and '_', not starting with a digit); the value is not shown in case it is a secret",
        });
}

TEST_CASE("an API key SID is kept when valid") {
  const auto r = load(
      "version: 1\n"
      "twilio_accounts:\n"
      "  keyed:\n"
      "    account_sid: ACabcdefabcdefabcdefabcdefabcdefab\n"
      "    api_key_sid: SK0123456789abcdef0123456789abcdef\n"
      "    auth_token_env: TWILIO_KEYED_API_SECRET\n");
  REQUIRE(r.ok());
  CHECK(r.desired.twilio_accounts.at("keyed").api_key_sid == "SK0123456789abcdef0123456789abcdef");
}

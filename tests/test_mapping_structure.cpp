// Unknown keys, wrong types and missing required keys at every level of a mapping.
#include <catch2/catch.hpp>

#include "mapping/load.h"

namespace {

using Lines = std::vector<std::string>;

std::vector<std::string> check(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : xs::load_mapping_sources({{"m.yaml", text}}).diagnostics) {
    out.push_back(d.str());
  }
  return out;
}

const std::string kAccount =
    "version: 1\n"                                           // 1
    "twilio_accounts:\n"                                     // 2
    "  main:\n"                                              // 3
    "    account_sid: AC0123456789abcdef0123456789abcdef\n"  // 4
    "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"           // 5
    "defaults:\n"                                            // 6
    "  twilio_account: main\n";                              // 7

}  // namespace

TEST_CASE("unknown keys in a number, with and without a near miss") {
  CHECK(check(kAccount + "numbers:\n"                                       // 8
                         "  - phone_number: \"+12125554567\"\n"             // 9
                         "    label: Support\n"                             // 10
                         "    agnet: agent_7101k5zvyjhmfg983brhmhkd98n6\n"  // 11
                         "    foo: bar\n"                                   // 12
                         "    Label: again\n") ==                           // 13
        Lines{
            "m.yaml:11:5: unknown key 'agnet' (did you mean 'agent'?)",
            "m.yaml:12:5: unknown key 'foo'",
            "m.yaml:13:5: unknown key 'Label' (did you mean 'label'?)",
        });
}

TEST_CASE("unknown keys in accounts, defaults, batches and calls") {
  CHECK(check("version: 1\n"
              "twilio_accounts:\n"
              "  main:\n"
              "    account_sid: AC0123456789abcdef0123456789abcdef\n"
              "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"
              "    api_key: SK0123456789abcdef0123456789abcdef\n"  // 6: a secret key, refused
              "    acount_sid_env: X\n"                            // 7
              "defaults:\n"
              "  twilio_acount: main\n"  // 9
              "numbers:\n"
              "  - {phone_number: \"+12125554567\", label: L, twilio_account: main}\n"
              "batch_calls:\n"
              "  - name: b\n"  // 13
              "    agent: agent_7101k5zvyjhmfg983brhmhkd98n6\n"
              "    from: \"+12125554567\"\n"
              "    allow_duplicate: true\n"  // 16
              "    calls:\n"
              "      - to: \"+12125556543\"\n"  // 18
              "        first_msg: Hi\n") ==     // 19
        Lines{
            "m.yaml:6:5: literal secrets are not allowed in mapping files: use 'api_key_sid' for "
            "the key's SID and 'auth_token_env' with the name of an environment variable "
            "holding its secret",
            "m.yaml:7:5: unknown key 'acount_sid_env' (did you mean 'account_sid_env'?)",
            "m.yaml:9:3: unknown key 'twilio_acount' (did you mean 'twilio_account'?)",
            "m.yaml:16:5: unknown key 'allow_duplicate' (did you mean 'allow_duplicates'?)",
            "m.yaml:19:9: unknown key 'first_msg'",
        });
}

TEST_CASE("sections of the wrong type") {
  CHECK(check("version: 1\n"
              "twilio_accounts: [main]\n"
              "agents: support\n"
              "defaults: main\n"
              "numbers: 5\n"
              "batch_calls:\n"
              "  name: b\n") == Lines{
                                    "m.yaml:2:18: expected a map for 'twilio_accounts'",
                                    "m.yaml:3:9: expected a map for 'agents'",
                                    "m.yaml:4:11: expected a map for 'defaults'",
                                    "m.yaml:5:10: expected a list for 'numbers'",
                                    "m.yaml:7:3: expected a list for 'batch_calls'",
                                });
}

TEST_CASE("empty sections are fine") {
  CHECK(
      check("version: 1\ntwilio_accounts:\nagents:\ndefaults:\nnumbers:\nbatch_calls:\n").empty());
  CHECK(check("version: 1\nnumbers: []\nbatch_calls: []\n").empty());
}

TEST_CASE("entries of the wrong type") {
  CHECK(check(kAccount + "agents:\n"                               // 8
                         "  support: [agent_1]\n"                  // 9
                         "  sales:\n"                              // 10
                         "numbers:\n"                              // 11
                         "  - \"+12125554567\"\n"                  // 12
                         "  - phone_number: [\"+12125554567\"]\n"  // 13
                         "    label: {text: Support}\n"            // 14
                         "    agent: [support]\n"                  // 15
                         "batch_calls:\n"                          // 16
                         "  - b\n") ==                             // 17
        Lines{
            "m.yaml:9:12: expected a string for agent alias 'support'",
            "m.yaml:10:3: missing agent id for alias 'sales'",
            "m.yaml:12:5: expected a map for each entry of 'numbers'",
            "m.yaml:13:19: expected a string for 'phone_number'",
            "m.yaml:14:12: expected a string for 'label'",
            "m.yaml:15:12: expected a string for 'agent'",
            "m.yaml:17:5: expected a map for each entry of 'batch_calls'",
        });
  CHECK(check("version: 1\ntwilio_accounts:\n  main: AC0123456789abcdef0123456789abcdef\n") ==
        Lines{"m.yaml:3:9: expected a map for twilio account 'main'"});
}

TEST_CASE("missing required keys are reported at the entry") {
  CHECK(check(kAccount + "numbers:\n"                            // 8
                         "  - label: Support\n"                  // 9
                         "  - phone_number: \"+12125554568\"\n"  // 10
                         "  - {}\n") ==                          // 11
        Lines{
            "m.yaml:9:5: missing required key 'phone_number'",
            "m.yaml:10:5: missing required key 'label'",
            "m.yaml:11:5: missing required key 'phone_number'",
            "m.yaml:11:5: missing required key 'label'",
        });
  CHECK(check("version: 1\ntwilio_accounts:\n  main:\n    api_key_sid: "
              "SK0123456789abcdef0123456789abcdef\n") ==
        Lines{
            "m.yaml:3:3: missing required key 'account_sid' (or 'account_sid_env')",
            "m.yaml:3:3: missing required key 'auth_token_env'",
        });
}

TEST_CASE("required keys without a value") {
  CHECK(check(kAccount + "numbers:\n"                            // 8
                         "  - phone_number:\n"                   // 9
                         "    label: ''\n"                       // 10
                         "  - phone_number: \"\"\n"              // 11
                         "    label:\n"                          // 12
                         "  - phone_number: \"+12125554567\"\n"  // 13
                         "    label: \"  \"\n") ==               // 14
        Lines{
            "m.yaml:9:5: missing value for 'phone_number'",
            "m.yaml:10:12: empty label",
            "m.yaml:11:19: missing value for 'phone_number'",
            "m.yaml:12:5: empty label",
            "m.yaml:14:12: empty label",
        });
}

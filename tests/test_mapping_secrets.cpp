// Literal secrets are refused wherever they appear, and never repeated in a message.
#include <catch2/catch.hpp>

#include "mapping/load.h"

namespace {

using Lines = std::vector<std::string>;

Lines check(const std::string& text) {
  Lines out;
  for (const auto& d : xs::load_mapping_sources({{"m.yaml", text}}).diagnostics) {
    out.push_back(d.str());
  }
  return out;
}

const std::string kToken = "0123456789abcdef0123456789abcdef";
const std::string kUse =
    "literal secrets are not allowed in mapping files: use 'auth_token_env' with the name of an "
    "environment variable";
const std::string kLooksLikeToken =
    "literal secrets are not allowed in mapping files: this value looks like a Twilio auth token "
    "(use 'auth_token_env' with the name of an environment variable)";

}  // namespace

TEST_CASE("a literal auth_token in an account is refused, pointing at auth_token_env") {
  const Lines d = check(
      "version: 1\n"
      "twilio_accounts:\n"
      "  main:\n"
      "    account_sid: AC0123456789abcdef0123456789abcdef\n"
      "    auth_token: " +
      kToken + "\n");
  CHECK(d == Lines{
                 "m.yaml:3:3: missing required key 'auth_token_env'",
                 "m.yaml:5:5: " + kUse,
             });
}

TEST_CASE("secret-named keys are refused anywhere, whatever the value") {
  CHECK(check("version: 1\n"
              "password: hunter2\n"
              "Twilio-Auth-Token: TWILIO_MAIN_AUTH_TOKEN\n"
              "api_secret: x\n") ==
        Lines{
            "m.yaml:2:1: " + kUse,
            "m.yaml:3:1: " + kUse,
            "m.yaml:4:1: literal secrets are not allowed in mapping files: use 'auth_token_env' "
            "with the name of an environment variable holding the API key secret",
        });
  CHECK(check("version: 1\n"
              "batch_calls:\n"
              "  - name: b\n"
              "    agent: agent_1\n"
              "    from: \"+12125554567\"\n"
              "    calls:\n"
              "      - to: \"+12125556543\"\n"
              "        conversation_config_override: {agent: {token: abc}}\n") ==
        Lines{
            "m.yaml:5:11: 'from' number +12125554567 is not a mapped number (add it under "
            "'numbers')",
            "m.yaml:8:48: " + kUse,
        });
}

TEST_CASE("values that look like tokens or API keys are refused, unrepeated") {
  const std::string sk = "SK0123456789abcdef0123456789abcdef";
  const std::string xi = "sk_3c1d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b";
  const std::string text =
      "version: 1\n"
      "twilio_accounts:\n"
      "  main:\n"
      "    account_sid: AC0123456789abcdef0123456789abcdef\n"
      "    auth_token_env: " +
      kToken +
      "\n"  // 5
      "numbers:\n"
      "  - phone_number: \"+12125554567\"\n"
      "    label: " +
      sk +
      "\n"  // 8
      "    twilio_account: main\n"
      "  - phone_number: \"+12125554568\"\n"
      "    label: \"" +
      xi +
      "\"\n"  // 11
      "    twilio_account: main\n"
      "notes:\n"
      "  " +
      kToken + ": x\n";  // 14
  const Lines d = check(text);
  CHECK(d == Lines{
                 "m.yaml:5:21: " + kLooksLikeToken,
                 "m.yaml:8:12: literal secrets are not allowed in mapping files: this value looks "
                 "like a Twilio API key SID, which belongs only in 'api_key_sid'",
                 "m.yaml:11:12: literal secrets are not allowed in mapping files: this value "
                 "looks like an API key (the XUNA API key comes only from XUNA_API_KEY)",
                 "m.yaml:13:1: unknown key 'notes'",
                 "m.yaml:14:3: " + kLooksLikeToken,
             });
  for (const auto& line : d) {
    CHECK(line.find(kToken) == std::string::npos);
    CHECK(line.find(sk) == std::string::npos);
    CHECK(line.find(xi) == std::string::npos);
  }
}

TEST_CASE("an aliased secret is reported once") {
  CHECK(check("version: 1\nx: &t " + kToken + "\ny: *t\n") ==
        Lines{"m.yaml:2:1: unknown key 'x'", "m.yaml:2:4: " + kLooksLikeToken,
              "m.yaml:3:1: unknown key 'y'"});
}

TEST_CASE("a secret in first_message is refused too") {
  const Lines d = check(
      "version: 1\n"
      "batch_calls:\n"
      "  - name: b\n"
      "    agent: agent_1\n"
      "    from: \"+12125554567\"\n"
      "    calls:\n"
      "      - to: \"+12125556543\"\n"
      "        first_message: " +
      kToken + "\n");
  CHECK(d == Lines{
                 "m.yaml:5:11: 'from' number +12125554567 is not a mapped number (add it under "
                 "'numbers')",
                 "m.yaml:8:24: " + kLooksLikeToken,
             });
}

TEST_CASE("account SIDs and env var names are not secrets") {
  CHECK(check("version: 1\n"
              "twilio_accounts:\n"
              "  main:\n"
              "    account_sid: AC0123456789abcdef0123456789abcdef\n"
              "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"
              "    api_key_sid: SK0123456789abcdef0123456789abcdef\n")
            .empty());
}

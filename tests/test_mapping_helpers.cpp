// The small pure helpers of the mapping room: E.164, did-you-mean, secrets, YAML numbers.
#include <catch2/catch.hpp>

#include "mapping/e164.h"
#include "mapping/secrets.h"
#include "mapping/suggest.h"

using namespace xs::mapping;

TEST_CASE("is_e164 accepts '+' and 2 to 15 digits, the first not 0") {
  CHECK(is_e164("+15551234567"));
  CHECK(is_e164("+12"));
  CHECK(is_e164("+123456789012345"));
  CHECK_FALSE(is_e164("+1"));
  CHECK_FALSE(is_e164("+1234567890123456"));
  CHECK_FALSE(is_e164("+05551234567"));
  CHECK_FALSE(is_e164("15551234567"));
  CHECK_FALSE(is_e164("+1 5551234567"));
  CHECK_FALSE(is_e164("+1555123456a"));
  CHECK_FALSE(is_e164(""));
  CHECK_FALSE(is_e164("+"));
}

TEST_CASE("e164_error hints at the fix for the usual near misses") {
  CHECK(e164_error("(555) 123-4567") ==
        "invalid phone number '(555) 123-4567': use E.164 with the country code, perhaps "
        "'+15551234567'");
  CHECK(e164_error("555-123-4567") ==
        "invalid phone number '555-123-4567': use E.164 with the country code, perhaps "
        "'+15551234567'");
  CHECK(e164_error("+1 555 123 4567") ==
        "invalid phone number '+1 555 123 4567': use E.164 without spaces or punctuation: "
        "'+15551234567'");
  CHECK(e164_error("+1 (555) 123-4567") ==
        "invalid phone number '+1 (555) 123-4567': use E.164 without spaces or punctuation: "
        "'+15551234567'");
  CHECK(e164_error("15551234567") ==
        "invalid phone number '15551234567': use E.164 with a leading '+': '+15551234567'");
  CHECK(e164_error("1-555-123-4567") ==
        "invalid phone number '1-555-123-4567': use E.164 with a leading '+': '+15551234567'");
  CHECK(e164_error("00442071234567") ==
        "invalid phone number '00442071234567': use '+' instead of the international prefix "
        "00: '+442071234567'");
  CHECK(e164_error("+0442071234567") ==
        "invalid phone number '+0442071234567': the country code after '+' cannot start with 0");
  CHECK(e164_error("+1") == "invalid phone number '+1': E.164 needs 2 to 15 digits after '+'");
  CHECK(e164_error("+1234567890123456") ==
        "invalid phone number '+1234567890123456': E.164 allows at most 15 digits after '+'");
  CHECK(e164_error("call me") == "invalid phone number 'call me': use E.164, like '+15551234567'");
  CHECK(e164_error("12345") == "invalid phone number '12345': use E.164, like '+15551234567'");
}

TEST_CASE("did_you_mean suggests near misses only") {
  const std::vector<std::string> keys = {"phone_number", "label", "agent", "twilio_account"};
  CHECK(did_you_mean("agnet", keys) == " (did you mean 'agent'?)");
  CHECK(did_you_mean("lable", keys) == " (did you mean 'label'?)");
  CHECK(did_you_mean("Phone-Number", keys) == " (did you mean 'phone_number'?)");
  CHECK(did_you_mean("phone", keys) == " (did you mean 'phone_number'?)");
  CHECK(did_you_mean("agent_id", keys) == " (did you mean 'agent'?)");
  CHECK(did_you_mean("twilio_acount", keys) == " (did you mean 'twilio_account'?)");
  CHECK(did_you_mean("foo", keys) == "");
  CHECK(did_you_mean("colour", keys) == "");
  CHECK(did_you_mean("tos", {"to", "first_message"}) == " (did you mean 'to'?)");
  CHECK(did_you_mean("ab", {"to"}) == "");
  CHECK(edit_distance("agnet", "agent") == 1);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("secret keys are recognised whatever their case or separator") {
  CHECK(secret_key_message("auth_token") ==
        "literal secrets are not allowed in mapping files: use 'auth_token_env' with the name "
        "of an environment variable");
  CHECK(secret_key_message("Auth-Token") == secret_key_message("auth_token"));
  for (const char* k : {"twilio_auth_token", "token", "secret", "password"}) {
    CHECK(secret_key_message(k) == secret_key_message("auth_token"));
  }
  CHECK(secret_key_message("api_secret") ==
        "literal secrets are not allowed in mapping files: use 'auth_token_env' with the name "
        "of an environment variable holding the API key secret");
  CHECK(secret_key_message("api_key") ==
        "literal secrets are not allowed in mapping files: use 'api_key_sid' for the key's SID "
        "and 'auth_token_env' with the name of an environment variable holding its secret");
  CHECK(secret_key_message("auth_token_env").empty());
  CHECK(secret_key_message("api_key_sid").empty());
  CHECK(secret_key_message("label").empty());
}

TEST_CASE("secret-looking values are recognised without being repeated") {
  const std::string token = "0123456789abcdef0123456789ABCDEF";
  const std::string msg = secret_value_message(token, "label");
  CHECK(msg ==
        "literal secrets are not allowed in mapping files: this value looks like a Twilio auth "
        "token (use 'auth_token_env' with the name of an environment variable)");
  CHECK(msg.find(token) == std::string::npos);
  const std::string sk = "SK0123456789abcdef0123456789abcdef";
  CHECK(secret_value_message(sk, "api_key_sid").empty());
  CHECK(secret_value_message(sk, "label") ==
        "literal secrets are not allowed in mapping files: this value looks like a Twilio API "
        "key SID, which belongs only in 'api_key_sid'");
  CHECK(secret_value_message("sk_3c1d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b", "x") ==
        "literal secrets are not allowed in mapping files: this value looks like an API key (the "
        "XUNA API key comes only from XUNA_API_KEY)");
  CHECK_FALSE(secret_value_message("xi_0123456789abcdefghijklmn", "x").empty());
  CHECK(secret_value_message("sk_renewals_campaign_2026", "name").empty());
  CHECK(secret_value_message("AC0123456789abcdef0123456789abcdef", "account_sid").empty());
  CHECK(secret_value_message("agent_7101k5zvyjhmfg983brhmhkd98n6", "agent").empty());
  CHECK(secret_value_message("+15551234567", "phone_number").empty());
}

TEST_CASE("environment variable names and SIDs") {
  CHECK(is_env_name("TWILIO_MAIN_AUTH_TOKEN"));
  CHECK(is_env_name("_x1"));
  CHECK_FALSE(is_env_name("1X"));
  CHECK_FALSE(is_env_name("MY-TOKEN"));
  CHECK_FALSE(is_env_name(""));
  CHECK(is_prefixed_hex32("AC0123456789abcdef0123456789abcdef", "AC"));
  CHECK_FALSE(is_prefixed_hex32("AC0123456789abcdef0123456789abcde", "AC"));
  CHECK_FALSE(is_prefixed_hex32("ACdemo0000000000000000000000000001", "AC"));
  CHECK_FALSE(is_prefixed_hex32("SK0123456789abcdef0123456789abcdef", "AC"));
}

#pragma once
// The start of a valid mapping that mapping tests build on: account 'main' (the default) and
// alias 'support', ending with "numbers:" so a test appends its own entries (line 11 on).
#include <string>

namespace xs::test {

inline const std::string kMappingHeader =
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

}  // namespace xs::test

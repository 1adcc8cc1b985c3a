#pragma once
// The start of a valid mapping that mapping tests build on: account 'main' (the default) and
// alias 'support', ending with "numbers:" so a test appends its own entries (line 11 on).
#include <string>
#include <vector>

#include "mapping/load.h"

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

// The header, one number (+12125550100, line 11) and a campaign 'renewals' from it (line 13):
// its keys from line 17 on (`extra`), then its calls.
inline std::string batch(const std::string& extra,
                         const std::string& calls = "    calls:\n      - to: \"+12125550150\"\n") {
  return kMappingHeader +
         "  - phone_number: \"+12125550100\"\n"
         "    label: Outbound\n"
         "batch_calls:\n"
         "  - name: renewals\n"
         "    agent: support\n"
         "    from: \"+12125550100\"\n" +
         extra + calls;
}

// Every diagnostic as FILE:LINE:COL: message.
inline std::vector<std::string> diags(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(d.str());
  return out;
}

}  // namespace xs::test

#pragma once
// What the mapping files declare, after parsing, validation and alias resolution.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/value.h"

namespace xs {

// A place in a mapping file; line and col are 1-based, 0 means "the file as a whole".
struct Location {
  std::string file;
  int line = 0;
  int col = 0;
  // "file:line:col", "file:line" or "file", whichever parts are known.
  std::string str() const;
};

struct TwilioAccount {
  std::string name;                // its key under twilio_accounts
  std::string account_sid;         // literal SID; empty when account_sid_env names it
  std::string account_sid_env;     // env var holding the SID
  std::string auth_token_env;      // env var holding the auth token (or the API key secret)
  std::string api_key_sid;         // optional: authenticate with an API key SID instead of the SID
  Location loc;
};

struct DesiredNumber {
  std::string phone_number;        // strict E.164
  std::string label;               // non-empty
  std::string agent_id;            // resolved agent id; empty = import only
  std::string agent_ref;           // as written (alias or id), for messages
  std::string twilio_account;      // account name: the number's own or defaults.twilio_account
  bool routing_takeover = false;   // import even when Twilio routes it through an app or trunk
  Location loc;
};

struct BatchCallTarget {
  std::string to;                  // strict E.164
  std::optional<Value> override;   // conversation_config_override, first_message folded in
  Location loc;
};

struct BatchCampaign {
  std::string name;
  std::string agent_id;            // resolved
  std::string agent_ref;
  std::string from;                // E.164 of a mapped number
  std::vector<BatchCallTarget> calls;
  bool allow_duplicates = false;
  Location loc;
};

struct Desired {
  std::map<std::string, TwilioAccount> twilio_accounts;  // by name
  std::map<std::string, std::string> agents;             // alias -> agent id
  std::vector<DesiredNumber> numbers;                    // sorted by phone_number
  std::vector<BatchCampaign> batches;                    // sorted by name
};

}  // namespace xs

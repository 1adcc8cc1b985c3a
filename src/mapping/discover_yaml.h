#pragma once
// Mapping YAML for numbers found in Twilio (`xuna-sync discover`); yaml-cpp stays in this room.
#include <string>
#include <vector>

#include "model/desired.h"

namespace xs {

struct DiscoveredNumber {
  std::string phone_number;    // E.164
  std::string label;           // from Twilio's friendly_name
  std::string twilio_account;  // account name in the mapping
  std::string xuna_id;         // non-empty: already in XUNA under this phone_number_id
};

// Entries ready to paste under `numbers:` (indented two spaces, in the given order), each with
// a commented-out `# agent:` line; `comments` come first as `# ` lines.
std::string discovered_entries(const std::vector<DiscoveredNumber>& numbers,
                               const std::vector<std::string>& comments);

// A complete mapping file that validate accepts alone or beside the mapping it came from:
// `comments`, version: 1, the definitions of `accounts` (unchanged), and the numbers.
std::string discovered_mapping(const std::vector<DiscoveredNumber>& numbers,
                               const std::vector<TwilioAccount>& accounts,
                               const std::vector<std::string>& comments);

}  // namespace xs

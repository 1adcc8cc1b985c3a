#include "mapping/discover_yaml.h"

#include <yaml-cpp/yaml.h>

#include <sstream>

namespace xs {
namespace {

// One scalar as YAML text: double-quoted, or plain where YAML allows it.
std::string scalar(const std::string& text, bool quoted) {
  YAML::Emitter out;
  if (quoted) out << YAML::DoubleQuoted;
  out << text;
  return out.c_str();
}

// Text safe inside a one-line comment (ids come from a server).
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

void write_comments(std::ostream& out, const std::vector<std::string>& comments) {
  for (const auto& c : comments) {
    std::istringstream lines(c);
    for (std::string line; std::getline(lines, line);) out << "# " << line << '\n';
  }
}

void write_entries(std::ostream& out, const std::vector<DiscoveredNumber>& numbers) {
  for (const auto& n : numbers) {
    out << "  - phone_number: " << scalar(n.phone_number, true);
    if (!n.xuna_id.empty()) out << "  # already in XUNA (" << one_line(n.xuna_id) << ")";
    out << "\n    label: " << scalar(n.label.empty() ? n.phone_number : n.label, true)
        << "\n    twilio_account: " << scalar(n.twilio_account, false) << "\n    # agent:\n";
  }
}

}  // namespace

std::string discovered_entries(const std::vector<DiscoveredNumber>& numbers,
                               const std::vector<std::string>& comments) {
  std::ostringstream out;
  write_comments(out, comments);
  write_entries(out, numbers);
  return out.str();
}

std::string discovered_mapping(const std::vector<DiscoveredNumber>& numbers,
                               const std::vector<TwilioAccount>& accounts,
                               const std::vector<std::string>& comments) {
  std::ostringstream out;
  write_comments(out, comments);
  out << "version: 1\n";
  if (!accounts.empty()) out << "twilio_accounts:\n";
  for (const auto& a : accounts) {
    out << "  " << scalar(a.name, false) << ":\n";
    if (!a.account_sid.empty()) out << "    account_sid: " << scalar(a.account_sid, false) << '\n';
    if (!a.account_sid_env.empty())
      out << "    account_sid_env: " << scalar(a.account_sid_env, false) << '\n';
    out << "    auth_token_env: " << scalar(a.auth_token_env, false) << '\n';
    if (!a.api_key_sid.empty()) out << "    api_key_sid: " << scalar(a.api_key_sid, false) << '\n';
  }
  if (numbers.empty()) {
    out << "numbers: []\n";
  } else {
    out << "numbers:\n";
    write_entries(out, numbers);
  }
  return out.str();
}

}  // namespace xs

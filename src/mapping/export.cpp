#include "mapping/export.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace xs {

std::string export_mapping(const LiveList& live, const std::string& api_url,
                           const std::string& when) {
  LiveList sorted = live;
  std::sort(sorted.begin(), sorted.end(),
            [](const LiveNumber& a, const LiveNumber& b) { return a.phone_number < b.phone_number; });
  YAML::Emitter out;
  out << YAML::Comment("Exported from " + api_url + " at " + when + ": " +
                       std::to_string(sorted.size()) + " numbers.")
      << YAML::Newline
      << YAML::Comment("Fill in the Twilio account that owns these numbers before using it.")
      << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << 1;
  out << YAML::Key << "twilio_accounts" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "main" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "account_sid" << YAML::Value << "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      << YAML::Comment("TODO: the account's SID");
  out << YAML::Key << "auth_token_env" << YAML::Value << "TWILIO_MAIN_AUTH_TOKEN";
  out << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "defaults" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "twilio_account" << YAML::Value << "main" << YAML::EndMap;
  out << YAML::Key << "numbers" << YAML::Value << YAML::BeginSeq;
  for (const auto& n : sorted) {
    out << YAML::BeginMap;
    out << YAML::Key << "phone_number" << YAML::Value << YAML::DoubleQuoted << n.phone_number;
    out << YAML::Key << "label" << YAML::Value << YAML::DoubleQuoted << n.label;
    if (n.agent_id) out << YAML::Key << "agent" << YAML::Value << *n.agent_id;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace xs

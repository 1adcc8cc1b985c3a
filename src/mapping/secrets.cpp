#include "mapping/secrets.h"

#include <cctype>

namespace xs::mapping {
namespace {

const char kRefusal[] = "literal secrets are not allowed in mapping files: ";

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string normalize_key(const std::string& key) {
  std::string out;
  for (char c : key) {
    out += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// "sk_..." and "xi_..." API keys: a long run of letters and digits after the prefix.
bool looks_like_prefixed_api_key(const std::string& v) {
  if (v.size() < 3 + 20 || (v.compare(0, 3, "sk_") != 0 && v.compare(0, 3, "xi_") != 0)) {
    return false;
  }
  bool digit = false;
  for (size_t i = 3; i < v.size(); ++i) {
    if (!is_alnum(v[i])) return false;
    digit = digit || std::isdigit(static_cast<unsigned char>(v[i]));
  }
  return digit;
}

}  // namespace

bool is_prefixed_hex32(const std::string& s, const std::string& prefix) {
  if (s.size() != prefix.size() + 32 || s.compare(0, prefix.size(), prefix) != 0) return false;
  for (size_t i = prefix.size(); i < s.size(); ++i) {
    if (!is_hex(s[i])) return false;
  }
  return true;
}

bool is_env_name(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '_') return false;
  }
  return true;
}

std::string secret_key_message(const std::string& key) {
  const std::string k = normalize_key(key);
  if (k == "auth_token" || k == "twilio_auth_token" || k == "token" || k == "secret" ||
      k == "password") {
    return std::string(kRefusal) + "use 'auth_token_env' with the name of an environment variable";
  }
  if (k == "api_secret" || k == "api_key_secret") {
    return std::string(kRefusal) +
           "use 'auth_token_env' with the name of an environment variable holding the API key "
           "secret";
  }
  if (k == "api_key") {
    return std::string(kRefusal) +
           "use 'api_key_sid' for the key's SID and 'auth_token_env' with the name of an "
           "environment variable holding its secret";
  }
  if (k == "xi_api_key" || k == "xuna_api_key") {
    return std::string(kRefusal) +
           "the XUNA API key comes only from the XUNA_API_KEY environment variable";
  }
  return "";
}

std::string secret_value_message(const std::string& value, const std::string& key) {
  const std::string v = trim(value);
  if (is_prefixed_hex32(v, "")) {
    return std::string(kRefusal) +
           "this value looks like a Twilio auth token (use 'auth_token_env' with the name of an "
           "environment variable)";
  }
  if (is_prefixed_hex32(v, "SK") && key != "api_key_sid") {
    return std::string(kRefusal) +
           "this value looks like a Twilio API key SID, which belongs only in 'api_key_sid'";
  }
  if (looks_like_prefixed_api_key(v)) {
    return std::string(kRefusal) +
           "this value looks like an API key (the XUNA API key comes only from XUNA_API_KEY)";
  }
  return "";
}

}  // namespace xs::mapping

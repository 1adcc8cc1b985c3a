#pragma once
// Literal secrets do not belong in mapping files: recognise keys and values that hold one.
#include <string>

namespace xs::mapping {

// The refusal for a key that names a literal secret (auth_token, password, ...), else "".
std::string secret_key_message(const std::string& key);

// The refusal for a value that looks like a token or API key held under key, else "".
// The message never repeats the value.
std::string secret_value_message(const std::string& value, const std::string& key);

// "TWILIO_MAIN_AUTH_TOKEN"-style names: [A-Za-z_][A-Za-z0-9_]*.
bool is_env_name(const std::string& s);

// prefix followed by exactly 32 hex digits ("AC..." account SIDs, "SK..." API key SIDs).
bool is_prefixed_hex32(const std::string& s, const std::string& prefix);

}  // namespace xs::mapping

#pragma once
// Content digests and key fingerprints.
#include <string>
#include <string_view>

namespace xs {

// Lower-case hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

// A short, one-way fingerprint of a secret: identifies which key a state row belongs to
// without storing anything that could be used as the key.
std::string key_fingerprint(std::string_view secret);

// A fresh random idempotency key ("xs-" + 32 hex chars).
std::string new_idempotency_key();

}  // namespace xs

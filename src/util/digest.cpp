#include "util/digest.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <random>

namespace xs {

std::string sha256_hex(std::string_view data) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string key_fingerprint(std::string_view secret) {
  std::string salted = "xuna-sync key fingerprint v1:";
  salted += secret;
  return sha256_hex(salted).substr(0, 16);
}

std::string new_idempotency_key() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string key = "xs-";
  for (int i = 0; i < 2; ++i) {
    auto r = rng();
    for (int j = 0; j < 16; ++j, r >>= 4) key += hex[r & 15];
  }
  return key;
}

}  // namespace xs

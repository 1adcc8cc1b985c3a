#include "emulator/ids.h"

#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>

namespace xs::emu {

namespace {
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string base36(std::uint64_t v, std::size_t width) {
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out(width, '0');
  for (std::size_t i = width; i-- > 0;) {
    out[i] = digits[v % 36];
    v /= 36;
  }
  return out;
}
}  // namespace

std::string counterId(const std::string& prefix, std::uint64_t counter) {
  // 13 scrambled characters (36^13 > 2^64) for a realistic look, then 7 that encode the counter itself
  // (36^7 ≈ 78 billion), so two counters never collide.
  std::uint64_t salt = 0;
  for (unsigned char c : prefix) salt = salt * 131 + c;
  return prefix + base36(splitmix64(counter ^ splitmix64(salt)), 13) + base36(counter, 7);
}

std::string derivedSid(const std::string& prefix, const std::string& seedText) {
  Poco::MD5Engine md5;
  md5.update(seedText);
  return prefix + Poco::DigestEngine::digestToHex(md5.digest());
}

}  // namespace xs::emu

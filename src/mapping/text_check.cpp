#include "mapping/text_check.h"

#include <cstdio>

namespace xs::mapping {
namespace {

std::string code_point(unsigned cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  return buf;
}

// The code point of the character starting at text[i] when it could forge output (C0 but
// NUL, DEL, C1 in UTF-8, bidi overrides and isolates); 0 otherwise.
unsigned forging_char(const std::string& text, std::size_t i) {
  const auto b = [&](std::size_t k) {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u;
  };
  const unsigned c = b(i);
  if (c < 0x20 || c == 0x7f) return c;  // NUL is checked before
  if (c == 0xc2 && b(i + 1) >= 0x80 && b(i + 1) <= 0x9f) return b(i + 1);
  if (c == 0xe2 && b(i + 1) == 0x80 && b(i + 2) >= 0xaa && b(i + 2) <= 0xae)
    return 0x2000 + (b(i + 2) - 0x80);
  if (c == 0xe2 && b(i + 1) == 0x81 && b(i + 2) >= 0xa6 && b(i + 2) <= 0xa9)
    return 0x2040 + (b(i + 2) - 0x80);
  return 0;
}

}  // namespace

bool check_text(Diags& diags, const Location& at, const std::string& what,
                const std::string& text) {
  if (text.find('\0') != std::string::npos) {
    diags.error(at, what + " contains a NUL character");
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned cp = forging_char(text, i);
    if (cp == 0) continue;
    const bool bidi = cp >= 0x2000;
    diags.warning(at, what + " contains " +
                          (bidi ? "the bidirectional control " : "the control character ") +
                          code_point(cp) + " (text output shows it escaped)");
    break;
  }
  return true;
}

}  // namespace xs::mapping

#include "util/secret.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <optional>

namespace xs {
namespace {

constexpr std::size_t kMinEncodedLength = 8;  // shorter: base64 pieces would match by chance

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t(std::uint8_t(in[i])) << 16) |
                            (std::uint32_t(std::uint8_t(in[i + 1])) << 8) | std::uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += table[(v >> s) & 63];
  }
  if (i < in.size()) {
    std::uint32_t v = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) v |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < in.size() ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The base64 characters that depend on value alone, for value preceded by `shift` bytes:
// `core` when more bytes follow it, `tail` (with the last partial character and padding)
// when it ends the encoded text.
void base64_pieces(const std::string& value, int shift, std::vector<std::string>& out) {
  const std::string encoded = base64(std::string(shift, '\0') + value);
  const std::size_t first = (8 * shift + 5) / 6;
  const std::size_t end = 8 * (shift + value.size()) / 6;  // characters wholly inside value
  out.push_back(encoded.substr(first, end - first));
  out.push_back(encoded.substr(first));
}

std::string percent(const std::string& s, const char* hex, bool plus_for_space) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ' && plus_for_space) {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void append_u(std::string& out, unsigned code, const char* hex) {
  out += "\\u";
  for (int s = 12; s >= 0; s -= 4) out += hex[(code >> s) & 15];
}

// JSON string escape; hex null keeps non-ASCII bytes as they are.
std::string json_escape(const std::string& s, bool slash, const char* hex) {
  static const char* lower = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '/':
        out += slash ? "\\/" : "/";
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      append_u(out, c, hex ? hex : lower);
    } else if (c < 0x80 || !hex) {
      out += static_cast<char>(c);
    } else {  // a UTF-8 sequence as \u escapes (surrogate pairs above U+FFFF)
      const int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      unsigned code = len == 1 ? c : c & (0x7F >> len);
      for (int k = 1; k < len && i + 1 < s.size(); ++k) code = (code << 6) | (s[++i] & 0x3F);
      if (code > 0xFFFF) {
        code -= 0x10000;
        append_u(out, 0xD800 + (code >> 10), hex);
        append_u(out, 0xDC00 + (code & 0x3FF), hex);
      } else {
        append_u(out, code, hex);
      }
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> secret_forms(const std::string& value) {
  if (value.empty()) return {};
  std::vector<std::string> raw{value};
  if (value.size() >= kMinEncodedLength) {
    for (int shift = 0; shift < 3; ++shift) base64_pieces(value, shift, raw);
    const std::size_t n = raw.size();
    for (std::size_t i = 1; i < n; ++i) {  // base64url: '-' and '_', no padding
      std::string url = raw[i];
      std::replace(url.begin(), url.end(), '+', '-');
      std::replace(url.begin(), url.end(), '/', '_');
      url.erase(std::remove(url.begin(), url.end(), '='), url.end());
      raw.push_back(url);
    }
  }
  std::vector<std::string> forms;
  for (const std::string& r : raw) {
    if (r.empty()) continue;
    forms.push_back(r);
    for (const char* hex : {"0123456789ABCDEF", "0123456789abcdef"}) {
      forms.push_back(percent(r, hex, false));
      forms.push_back(percent(r, hex, true));
    }
    for (bool slash : {false, true})
      for (const char* hex :
           {static_cast<const char*>(nullptr), "0123456789abcdef", "0123456789ABCDEF"})
        forms.push_back(json_escape(r, slash, hex));
  }
  std::sort(forms.begin(), forms.end());
  forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
  return forms;
}

std::string hide_forms(std::string text, std::vector<std::string> forms) {
  return SecretMask(std::move(forms)).hide(std::move(text));
}

SecretMask::SecretMask(std::vector<std::string> forms) : forms_(std::move(forms)) {
  forms_.erase(std::remove(forms_.begin(), forms_.end(), std::string()), forms_.end());
  std::sort(forms_.begin(), forms_.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  forms_.erase(std::unique(forms_.begin(), forms_.end()), forms_.end());
}

namespace {

constexpr std::size_t kPairsFrom = 256;  // shorter texts are searched form by form

// Which pairs of adjacent bytes text holds: 65,536 bits.
class BytePairs {
 public:
  explicit BytePairs(const std::string& text) : bits_(1024) {
    for (std::size_t i = 1; i < text.size(); ++i) set(pair(text[i - 1], text[i]));
  }
  // False when form cannot occur in the text read: one of its pairs is not there.
  bool may_hold(const std::string& form) const {
    for (std::size_t i = 1; i < form.size(); ++i)
      if (!(bits_[pair(form[i - 1], form[i]) >> 6] >> (pair(form[i - 1], form[i]) & 63) & 1))
        return false;
    return true;
  }

 private:
  static unsigned pair(char a, char b) {
    return unsigned(static_cast<unsigned char>(a)) << 8 | static_cast<unsigned char>(b);
  }
  void set(unsigned p) { bits_[p >> 6] |= std::uint64_t(1) << (p & 63); }
  std::vector<std::uint64_t> bits_;
};

}  // namespace

std::string SecretMask::hide(std::string text) const {
  std::optional<BytePairs> pairs;
  if (text.size() >= kPairsFrom) pairs.emplace(text);
  for (const std::string& form : forms_) {
    if (form.size() > text.size()) continue;
    if (pairs && !pairs->may_hold(form)) continue;
    std::string out;
    std::size_t from = 0;
    if (pairs) {
      // Boyer-Moore-Horspool: a long answer is scanned in strides.
      const std::boyer_moore_horspool_searcher searcher(form.begin(), form.end());
      for (;;) {
        const auto hit = searcher(text.cbegin() + static_cast<std::ptrdiff_t>(from), text.cend()).first;
        if (hit == text.cend()) break;
        const std::size_t at = static_cast<std::size_t>(hit - text.cbegin());
        out.append(text, from, at - from);
        out += "***";
        from = at + form.size();
      }
    } else {
      for (std::size_t at = text.find(form); at != std::string::npos; at = text.find(form, from)) {
        out.append(text, from, at - from);
        out += "***";
        from = at + form.size();
      }
    }
    if (from == 0) continue;
    out.append(text, from, std::string::npos);
    text = std::move(out);
    if (pairs) pairs.emplace(text);  // "***" made new pairs, which a shorter form may hold
  }
  return text;
}

}  // namespace xs

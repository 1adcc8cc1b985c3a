// cutover: what a cut-over leaves behind (docs/DESIGN.md §9), top level or under a number.
#include <cctype>

#include "mapping/sections.h"

namespace xs::mapping {
namespace {

const std::vector<std::string> kCutoverKeys = {"fallback", "probation"};

// "30s", "10m", "48h", "14d": a whole number (at most 10 digits) and a unit.
std::optional<std::chrono::seconds> parse_duration(const std::string& s) {
  if (s.size() < 2 || s.size() > 11) return std::nullopt;
  long long n = 0;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    n = n * 10 + (s[i] - '0');
  }
  switch (s.back()) {
    case 's': return std::chrono::seconds(n);
    case 'm': return std::chrono::seconds(n * 60);
    case 'h': return std::chrono::seconds(n * 3600);
    case 'd': return std::chrono::seconds(n * 86400);
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<ParsedCutover> read_cutover(Ctx& ctx, const Entry& section) {
  if (!section_is(ctx, section, yaml::NodeType::Map, "map")) return std::nullopt;
  MapReader r(ctx, section.value, kCutoverKeys);
  ParsedCutover out;
  out.loc = section.key_loc;
  if (auto f = r.text("fallback")) {
    if (f->text == "previous") {
      out.fallback = FallbackPolicy::Previous;
    } else if (f->text == "none") {
      out.fallback = FallbackPolicy::None;
    } else if (f->text == "keep") {
      out.fallback = FallbackPolicy::Keep;
    } else {
      ctx.error(f->loc, "unknown fallback '" + f->text + "' (expected previous, none or keep)");
    }
  }
  if (auto f = r.text("probation")) {
    out.probation = parse_duration(f->text);
    if (!out.probation)
      ctx.error(f->loc, "invalid probation '" + f->text +
                            "' (expected a whole number and s, m, h or d: 30s, 10m, 48h, 14d)");
  }
  return out;
}

}  // namespace xs::mapping

#include "mapping/read_values.h"

#include <cstdio>
#include <string>

#include "mapping/phone_lib.h"

namespace xs::mapping {

std::optional<bool> read_bool(Ctx& ctx, MapReader& r, const std::string& key) {
  auto f = r.scalar(key);
  if (!f) return std::nullopt;
  const std::string& t = f->text;
  if (!f->quoted && !f->null) {
    if (t == "true" || t == "True" || t == "TRUE") return true;
    if (t == "false" || t == "False" || t == "FALSE") return false;
  }
  ctx.error(f->loc, "expected true or false for '" + key + "'");
  return std::nullopt;
}

std::optional<double> read_positive(Ctx& ctx, MapReader& r, const std::string& key, double max,
                                    bool whole) {
  auto f = r.scalar(key);
  if (!f) return std::nullopt;
  const std::string& t = f->text;
  if (!f->quoted && !f->null && !t.empty() && t.size() <= 24 &&
      t.find_first_not_of(whole ? "0123456789" : "0123456789.") == std::string::npos) {
    try {
      std::size_t used = 0;
      const double v = std::stod(t, &used);
      if (used == t.size() && v > 0 && v <= max) return v;
    } catch (const std::exception&) {
    }
  }
  char bound[32];
  std::snprintf(bound, sizeof bound, "%.15g", max);
  ctx.error(f->loc, std::string("expected ") + (whole ? "a whole number" : "a number") +
                        " greater than 0 and at most " + bound + " for '" + key + "'");
  return std::nullopt;
}

std::optional<std::string> read_region(Ctx& ctx, MapReader& r, const std::string& key) {
  auto f = r.text(key);
  if (!f) return std::nullopt;
  auto region = known_region(f->text);
  if (!region) {
    ctx.error(f->loc, "unknown region '" + f->text + "' for '" + key +
                          "' (expected a two-letter region code such as 'US')");
  }
  return region;
}

}  // namespace xs::mapping

#include "mapping/read_values.h"

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

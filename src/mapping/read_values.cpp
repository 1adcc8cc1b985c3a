#include "mapping/read_values.h"

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

}  // namespace xs::mapping

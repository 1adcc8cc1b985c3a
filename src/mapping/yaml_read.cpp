#include "mapping/yaml_read.h"

#include <algorithm>
#include <unordered_map>

#include "mapping/secrets.h"
#include "mapping/suggest.h"

namespace xs::mapping {

Location Ctx::loc(const yaml::Mark& m) const {
  if (m.line < 0) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

bool Ctx::is_secret(const yaml::Node& n) const {
  return !secrets.empty() && secrets.count({n.Mark().line, n.Mark().column}) > 0;
}

bool is_secret_entry(const std::string& key, const yaml::Node& value) {
  return !value.IsMap() && !value.IsSequence() && !secret_key_message(key).empty();
}

namespace {

// The keys of one map so far: a short list for the small maps that are the norm, a hash table
// once a map grows (agents, accounts), so a huge map stays linear.
class SeenKeys {
 public:
  // The first place of key, or nullptr after remembering this one.
  const Location* first_or_add(const std::string& key, const Location& loc) {
    if (big_.empty()) {
      for (const auto& [k, l] : small_) {
        if (k == key) return &l;
      }
      small_.emplace_back(key, loc);
      if (small_.size() > 16) {
        big_.insert(small_.begin(), small_.end());
        small_.clear();
      }
      return nullptr;
    }
    auto [it, inserted] = big_.emplace(key, loc);
    return inserted ? nullptr : &it->second;
  }

 private:
  std::vector<std::pair<std::string, Location>> small_;
  std::unordered_map<std::string, Location> big_;
};

}  // namespace

MapReader::MapReader(Ctx& ctx, const yaml::Node& map, const std::vector<std::string>& known)
    : ctx_(ctx) {
  SeenKeys seen;
  entries_.reserve(map.size());
  for (size_t i = 0; i < map.size(); ++i) {
    const yaml::Node k = map.key(i);
    const yaml::Node v = map.value(i);
    Location key_loc = ctx.loc(k);
    if (!k.IsScalar()) {
      ctx.error(key_loc, "expected a string key");
      continue;
    }
    if (ctx.is_secret(k)) continue;  // refused by the scan; never echo it
    Location value_loc = v.IsNull() ? key_loc : ctx.loc(v);
    Entry e{k.Scalar(), v, std::move(key_loc), std::move(value_loc)};
    if (const Location* first = seen.first_or_add(e.key, e.key_loc)) {
      ctx.error(e.key_loc,
                "duplicate key '" + e.key + "' (first declared at " + first->str() + ")");
      continue;
    }
    if (!known.empty() && std::find(known.begin(), known.end(), e.key) == known.end() &&
        !is_secret_entry(e.key, e.value)) {
      ctx.error(e.key_loc, "unknown key '" + e.key + "'" + did_you_mean(e.key, known));
      continue;
    }
    entries_.push_back(std::move(e));
  }
}

const Entry* MapReader::find(const std::string& key) const {
  for (const auto& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

void MapReader::require(const std::string& key, const Location& at) {
  if (!find(key)) ctx_.error(at, "missing required key '" + key + "'");
}

std::optional<Field> MapReader::scalar(const std::string& key) {
  const Entry* e = find(key);
  if (!e) return std::nullopt;
  if (e->value.IsNull()) return Field{"", e->value_loc, true, false};
  if (!e->value.IsScalar()) {
    ctx_.error(e->value_loc, "expected a string for '" + key + "'");
    return std::nullopt;
  }
  if (ctx_.is_secret(e->value)) return std::nullopt;
  return Field{e->value.Scalar(), e->value_loc, false, !e->value.plain()};
}

std::optional<Field> MapReader::text(const std::string& key) {
  auto f = scalar(key);
  if (f && f->text.empty()) {
    ctx_.error(f->loc, "missing value for '" + key + "'");
    return std::nullopt;
  }
  return f;
}

std::optional<Field> MapReader::optional_text(const std::string& key) {
  auto f = scalar(key);
  if (f && f->text.empty()) return std::nullopt;
  return f;
}

namespace {

constexpr int kMaxDepth = 64;
constexpr long kMaxNodes = 2'000'000;

struct Scanner {
  Ctx& ctx;
  long nodes = 0;

  // Marks n as refused; false when it already was (an alias seen twice).
  bool refuse(const yaml::Node& n) {
    return ctx.secrets.insert({n.Mark().line, n.Mark().column}).second;
  }

  void check_value(const yaml::Node& n, const std::string& key) {
    const std::string message = secret_value_message(n.Scalar(), key);
    if (!message.empty() && refuse(n)) ctx.error(ctx.loc(n), message);
  }

  bool walk(const yaml::Node& n, const std::string& key, int depth) {
    if (++nodes > kMaxNodes) {
      ctx.error({ctx.file, 0, 0}, "too large: more than " + std::to_string(kMaxNodes) +
                                      " nodes once aliases are expanded");
      return false;
    }
    if (depth > kMaxDepth) {
      ctx.error(ctx.loc(n), "nested more than " + std::to_string(kMaxDepth) +
                                " levels deep (a recursive alias?)");
      return false;
    }
    if (n.IsScalar()) {
      check_value(n, key);
    } else if (n.IsSequence()) {
      for (const auto& item : n) {
        if (!walk(item, key, depth + 1)) return false;
      }
    } else if (n.IsMap()) {
      for (size_t i = 0; i < n.size(); ++i) {
        const yaml::Node k = n.key(i);
        const yaml::Node v = n.value(i);
        if (!k.IsScalar()) {
          if (!walk(k, key, depth + 1)) return false;  // reported as a bad key by the reader
        } else if (is_secret_entry(k.Scalar(), v)) {
          if (v.IsScalar()) refuse(v);
          ctx.error(ctx.loc(k), secret_key_message(k.Scalar()));
          continue;
        } else {
          check_value(k, "");
        }
        if (!walk(v, k.IsScalar() ? k.Scalar() : key, depth + 1)) return false;
      }
    }
    return true;
  }
};

}  // namespace

bool scan_tree(Ctx& ctx, const yaml::Node& root) {
  Scanner s{ctx};
  return s.walk(root, "", 0);
}

}  // namespace xs::mapping

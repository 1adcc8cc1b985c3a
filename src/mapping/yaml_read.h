#pragma once
// Reading YAML nodes (yaml_tree.h, built from libyaml's events) with their positions, one map
// at a time (private to src/mapping).

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mapping/diagnostics.h"
#include "mapping/phone_lib.h"
#include "mapping/yaml_tree.h"

namespace xs::mapping {

// What every reader of one file needs: its name, the diagnostics, the numbers to check, the
// values refused as secrets.
struct Ctx {
  FileName file;
  Diags& diags;
  PhoneChecks& phones;  // numbers whose libphonenumber check waits until every file is read
  std::set<std::pair<int, int>> secrets;  // marks (line, column) of refused values
  std::string root;                       // side files stay in this folder ("": the file's folder)
  bool allow_outside_files = false;       // --allow-outside-files

  Location loc(const yaml::Mark& m) const;
  Location loc(const yaml::Node& n) const { return loc(n.Mark()); }
  bool is_secret(const yaml::Node& n) const;
  void error(const Location& at, std::string message) { diags.error(at, std::move(message)); }
};

// One key of a map, its value, and where both are.
struct Entry {
  std::string key;
  yaml::Node value;
  Location key_loc;
  Location value_loc;  // the key's place when the value is empty (an empty value has no text to
                       // point at)
};

// A scalar value: its text and where to point at it.
struct Field {
  std::string text;
  Location loc;
  bool null = false;    // `key:`, `key: ~`, `key: null`
  bool quoted = false;  // quoted or block scalar: never a number, bool or null
};

// A secret-named key holding a scalar: refused by the scan, so not reported as unknown.
bool is_secret_entry(const std::string& key, const yaml::Node& value);

class MapReader {
 public:
  // Reads map's entries; reports non-string and duplicate keys and, unless known is empty,
  // unknown keys with a did-you-mean among known.
  MapReader(Ctx& ctx, const yaml::Node& map, const std::vector<std::string>& known = {});

  const std::vector<Entry>& entries() const { return entries_; }
  // The first entry for key, or nullptr.
  const Entry* find(const std::string& key) const;
  // Reports "missing required key 'KEY'" at `at` when key is absent.
  void require(const std::string& key, const Location& at);
  // key's scalar; nullopt when absent, not a scalar (reported) or refused as a secret.
  std::optional<Field> scalar(const std::string& key);
  // Like scalar(), but an empty value is reported as "missing value for 'KEY'" and gives nullopt.
  std::optional<Field> text(const std::string& key);
  // Like scalar(), but an empty value counts as absent.
  std::optional<Field> optional_text(const std::string& key);

 private:
  Ctx& ctx_;
  std::vector<Entry> entries_;
};

// Walks the whole tree once: refuses literal secrets (keys and values) and trees that are too
// deep or too large (recursive or exploding aliases). False when the file can't be read on.
bool scan_tree(Ctx& ctx, const yaml::Node& root);

}  // namespace xs::mapping

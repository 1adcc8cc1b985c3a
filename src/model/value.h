#pragma once
// A neutral JSON-like value tree, so free-form data (batch-call overrides) can travel from
// the mapping room to the network room without yaml-cpp or Poco types crossing between them.
#include <string>
#include <utility>
#include <vector>

namespace xs {

struct Value {
  enum class Type { Null, Bool, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  std::string text;                                   // Number (as written) or String
  std::vector<Value> items;                           // Array
  std::vector<std::pair<std::string, Value>> members; // Object, in source order

  static Value null() { return {}; }
  static Value string(std::string s) { Value v; v.type = Type::String; v.text = std::move(s); return v; }
  static Value number(std::string s) { Value v; v.type = Type::Number; v.text = std::move(s); return v; }
  static Value boolean_value(bool b) { Value v; v.type = Type::Bool; v.boolean = b; return v; }
  static Value object() { Value v; v.type = Type::Object; return v; }
  static Value array() { Value v; v.type = Type::Array; return v; }

  // The member named key, or nullptr (objects only).
  const Value* find(const std::string& key) const;
  Value* find(const std::string& key);
  // Sets (replacing or appending) a member of an object.
  void set(const std::string& key, Value v);

  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }
};

}  // namespace xs

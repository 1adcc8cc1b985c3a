#include "model/value.h"

namespace xs {

const Value* Value::find(const std::string& key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

Value* Value::find(const std::string& key) {
  for (auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

void Value::set(const std::string& key, Value v) {
  if (Value* existing = find(key)) {
    *existing = std::move(v);
  } else {
    members.emplace_back(key, std::move(v));
  }
}

bool Value::operator==(const Value& o) const {
  return type == o.type && boolean == o.boolean && text == o.text && items == o.items &&
         members == o.members;
}

}  // namespace xs

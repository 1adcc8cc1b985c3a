#include "xuna/json_value.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdlib>

namespace xs {

Poco::Dynamic::Var to_poco(const Value& v) {
  switch (v.type) {
    case Value::Type::Null: return Poco::Dynamic::Var();
    case Value::Type::Bool: return v.boolean;
    case Value::Type::String: return v.text;
    case Value::Type::Number: {
      if (v.text.find_first_of(".eE") == std::string::npos) {
        char* end = nullptr;
        long long n = std::strtoll(v.text.c_str(), &end, 10);
        if (end && *end == '\0') return static_cast<Poco::Int64>(n);
      }
      return std::strtod(v.text.c_str(), nullptr);
    }
    case Value::Type::Array: {
      Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
      for (const auto& item : v.items) arr->add(to_poco(item));
      return arr;
    }
    case Value::Type::Object: {
      Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      for (const auto& [key, member] : v.members) obj->set(key, to_poco(member));
      return obj;
    }
  }
  return Poco::Dynamic::Var();
}

}  // namespace xs

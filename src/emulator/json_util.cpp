#include "emulator/json_util.h"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace xs::emu {

namespace {
constexpr std::size_t kMaxDepth = 64;  // bounded recursion: parsing, redaction, stringify
}

Poco::JSON::Object::Ptr newObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Array::Ptr newArray() { return new Poco::JSON::Array(); }

std::optional<Poco::Dynamic::Var> parseJson(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    parser.setDepth(kMaxDepth);
    return parser.parse(text);
  } catch (...) {
    return std::nullopt;
  }
}

std::string toJson(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  if (value.isEmpty()) {
    out << "null";
  } else if (auto obj = asObject(value)) {
    obj->stringify(out);
  } else if (auto arr = asArray(value)) {
    arr->stringify(out);
  } else {
    Poco::JSON::Stringifier::stringify(value, out);
  }
  return out.str();
}

Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& v) {
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
  return nullptr;
}

Poco::JSON::Array::Ptr asArray(const Poco::Dynamic::Var& v) {
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) return v.extract<Poco::JSON::Array::Ptr>();
  return nullptr;
}

bool isString(const Poco::Dynamic::Var& v) { return !v.isEmpty() && v.isString(); }

bool isNumber(const Poco::Dynamic::Var& v) {
  return !v.isEmpty() && v.isNumeric() && !v.isBoolean() && v.type() != typeid(char);
}

namespace {
Poco::Dynamic::Var redactAt(const Poco::Dynamic::Var& v, std::size_t depth) {
  if (depth > kMaxDepth) return Poco::Dynamic::Var();
  if (auto obj = asObject(v)) {
    auto copy = newObject();
    Poco::JSON::Object::NameList names;
    obj->getNames(names);  // insertion order (the parser keeps it)
    for (const auto& name : names) {
      if (name == "twilio_auth_token") {
        copy->set(name, std::string("***"));
      } else {
        copy->set(name, redactAt(obj->get(name), depth + 1));
      }
    }
    return copy;
  }
  if (auto arr = asArray(v)) {
    auto copy = newArray();
    for (std::size_t i = 0; i < arr->size(); ++i) copy->add(redactAt(arr->get(i), depth + 1));
    return copy;
  }
  return v;
}
}  // namespace

Poco::Dynamic::Var redactSecrets(const Poco::Dynamic::Var& v) { return redactAt(v, 0); }

Response jsonResponse(int status, const Poco::Dynamic::Var& value) {
  Response r;
  r.status = status;
  r.body = toJson(value);
  return r;
}

Response xunaError(int status, const std::string& code, const std::string& message) {
  auto detail = newObject();
  detail->set("status", code);
  detail->set("message", message);
  auto body = newObject();
  body->set("detail", detail);
  return jsonResponse(status, body);
}

Response xunaDetail(int status, const std::string& message) {
  auto body = newObject();
  body->set("detail", message);
  return jsonResponse(status, body);
}

Response twilioError(int status, int code, const std::string& message) {
  auto body = newObject();
  body->set("code", code);
  body->set("message", message);
  body->set("more_info", "https://www.twilio.com/docs/errors/" + std::to_string(code));
  body->set("status", status);
  return jsonResponse(status, body);
}

}  // namespace xs::emu

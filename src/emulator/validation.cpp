#include "emulator/validation.h"

#include "emulator/json_util.h"

namespace xs::emu {

bool isE164(const std::string& s) {
  if (s.size() < 3 || s.size() > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9') return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

void Validator::add(std::vector<Poco::Dynamic::Var> loc, const std::string& msg,
                    const std::string& type) {
  auto locArr = newArray();
  for (auto& part : loc) locArr->add(part);
  auto problem = newObject();
  problem->set("loc", locArr);
  problem->set("msg", msg);
  problem->set("type", type);
  problems_.emplace_back(problem);
}

std::string Validator::requireString(const Poco::JSON::Object::Ptr& obj, const std::string& key,
                                     std::vector<Poco::Dynamic::Var> loc) {
  loc.emplace_back(key);
  if (!obj || !obj->has(key)) {
    add(loc, "Field required", "missing");
    return "";
  }
  Poco::Dynamic::Var v = obj->get(key);
  if (!isString(v)) {
    add(loc, "Input should be a valid string", "string_type");
    return "";
  }
  std::string s = v.extract<std::string>();
  if (s.empty()) {
    add(loc, "String should have at least 1 character", "string_too_short");
    return "";
  }
  return s;
}

std::string Validator::requireE164(const Poco::JSON::Object::Ptr& obj, const std::string& key,
                                   std::vector<Poco::Dynamic::Var> loc) {
  std::size_t before = problems_.size();
  std::string s = requireString(obj, key, loc);
  if (problems_.size() != before) return "";
  if (!isE164(s)) {
    loc.emplace_back(key);
    add(loc, "Value is not a valid E.164 phone number", "value_error");
    return "";
  }
  return s;
}

Response Validator::response() const {
  auto arr = newArray();
  for (const auto& p : problems_) arr->add(p);
  auto body = newObject();
  body->set("detail", arr);
  return jsonResponse(422, body);
}

}  // namespace xs::emu

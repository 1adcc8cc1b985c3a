// Request-body validation in the style of FastAPI/pydantic: collects every problem, then
// answers 422 {"detail":[{"loc":["body",...],"msg":...,"type":...}, ...]}.
#pragma once

#include "emulator/exchange.h"

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace xs::emu {

// True for strict E.164: '+', first digit 1-9, 2..15 digits in total, nothing else.
bool isE164(const std::string& s);

class Validator {
 public:
  // Records a problem at loc (e.g. {"body","calls",0,"to_phone_number"}).
  void add(std::vector<Poco::Dynamic::Var> loc, const std::string& msg, const std::string& type);

  // Checks obj[key] is a non-empty string; records "missing"/"string_type"/"string_too_short".
  // Returns the string when valid, "" otherwise (check ok() before trusting it).
  std::string requireString(const Poco::JSON::Object::Ptr& obj, const std::string& key,
                            std::vector<Poco::Dynamic::Var> loc);

  // Like requireString, then also requires strict E.164 ("value_error").
  std::string requireE164(const Poco::JSON::Object::Ptr& obj, const std::string& key,
                          std::vector<Poco::Dynamic::Var> loc);

  // True when nothing was recorded.
  bool ok() const { return problems_.empty(); }

  // The 422 response listing every recorded problem.
  Response response() const;

 private:
  std::vector<Poco::Dynamic::Var> problems_;
};

}  // namespace xs::emu

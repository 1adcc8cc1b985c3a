#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include "twilio/auth.h"
#include "twilio/client.h"

namespace xs {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;

// A field as text ("" when absent or null); numbers arrive as their text.
std::string text_of(const Object::Ptr& obj, const std::string& key) {
  if (!obj || !obj->has(key)) return {};
  Var v = obj->get(key);
  if (v.isEmpty()) return {};
  return v.convert<std::string>();
}

// Twilio's words from an error body {code, message, more_info, status}, or the raw text.
struct TwilioBody {
  std::string code, message, more_info;
};

TwilioBody read_error_body(const std::string& body) {
  TwilioBody out;
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    Var root = parser.parse(body);
    if (root.type() == typeid(Object::Ptr)) {
      Object::Ptr obj = root.extract<Object::Ptr>();
      out.code = text_of(obj, "code");
      out.message = text_of(obj, "message");
      out.more_info = text_of(obj, "more_info");
      if (!out.message.empty() || !out.code.empty()) return out;
    }
  } catch (const Poco::Exception&) {
  } catch (const std::exception&) {
  }
  out = {};
  out.message = body.substr(0, 200);
  for (char& c : out.message)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

ErrorKind kind_of(int status) {
  if (status == 401 || status == 403) return ErrorKind::Auth;
  if (status == 404) return ErrorKind::NotFound;
  if (status == 409) return ErrorKind::Conflict;
  if (status == 429 || status >= 500) return ErrorKind::Transient;
  return ErrorKind::Invalid;
}

}  // namespace

ApiError twilio_error(const TwilioAuth& auth, const std::string& method, const std::string& target,
                      const HttpResponse& response) {
  ApiError e;
  e.status = response.status;
  e.kind = kind_of(response.status);
  TwilioBody body = read_error_body(response.body);
  std::string text = std::to_string(response.status);
  if (!body.message.empty()) {
    text += " " + body.message;
  } else if (!response.reason.empty()) {
    text += " " + response.reason;
  }
  std::string extra;
  if (!body.code.empty()) extra = "code " + body.code;
  if (!body.more_info.empty() && e.kind != ErrorKind::Auth)
    extra += (extra.empty() ? "" : ", ") + body.more_info;
  if (!extra.empty()) text += " (" + extra + ")";
  const std::string who = "Twilio account '" + auth.account + "' (" + auth.account_sid + ")";
  if (e.kind == ErrorKind::Auth) {
    std::string hint = "check " + (auth.secret_env.empty() ? "the auth token" : auth.secret_env);
    if (auth.username != auth.account_sid) hint += " and the API key " + auth.username;
    e.message = who + ": " + text + ": " + hint;
  } else {
    e.message = who + ": " + method + " " + target + ": " + text;
  }
  e.message = hide_auth(auth, std::move(e.message));
  return e;
}

}  // namespace xs

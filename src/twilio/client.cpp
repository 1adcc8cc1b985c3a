#include "twilio/client.h"
#include "twilio/page_reader.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <set>
#include <sstream>

namespace xs {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr int kPageSize = 1000;    // Twilio's maximum
constexpr int kMaxPages = 100000;  // 100 million numbers: past this, the server is looping

Var parse_json(const std::string& text) {
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
  return parser.parse(text);
}

// A field as text ("" when absent or null); numbers arrive as their text.
std::string text_of(const Object::Ptr& obj, const std::string& key) {
  if (!obj || !obj->has(key)) return {};
  Var v = obj->get(key);
  if (v.isEmpty()) return {};
  return v.convert<std::string>();
}

std::string basic_authorization(const TwilioAuth& auth) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);  // one line: the default breaks every 72 characters
  encoder << auth.username << ':' << auth.password.reveal();
  encoder.close();
  return "Basic " + out.str();
}

std::string who(const TwilioAuth& auth) {
  return "Twilio account '" + auth.account + "' (" + auth.account_sid + ")";
}

ApiError invalid_answer(const TwilioAuth& auth, const std::string& target, const std::string& why) {
  ApiError e;
  e.kind = ErrorKind::Invalid;
  e.message = who(auth) + ": GET " + target + ": unexpected answer from Twilio: " + why;
  return e;
}

// The path and query of a next_page_uri: Twilio sends it relative ("/2010-04-01/..."); an
// absolute URL is cut to its path so the credentials never go to another host. "" if neither.
std::string next_target(const std::string& uri) {
  if (!uri.empty() && uri[0] == '/') return uri;
  try {
    Poco::URI parsed(uri);
    if (parsed.getScheme() != "http" && parsed.getScheme() != "https") return {};
    return parsed.getPathAndQuery();
  } catch (const Poco::Exception&) {
    return {};
  }
}

class HttpTwilioClient final : public TwilioApi {
 public:
  explicit HttpTwilioClient(std::shared_ptr<Transport> transport)
      : transport_(std::move(transport)) {}

  Result<std::vector<OwnedNumber>> list_owned(const TwilioAuth& auth) override {
    Result<std::vector<OwnedNumber>> r = list_pages(auth);
    if (r.ok()) return r;
    ApiError e = r.error();  // whatever the server sent back may quote the secret
    e.message = auth.password.hide_in(e.message);
    return e;
  }

 private:
  Result<std::vector<OwnedNumber>> list_pages(const TwilioAuth& auth) {
    std::string sid;
    Poco::URI::encode(auth.account_sid, "/?#&=+%", sid);
    const std::string list_path = "/2010-04-01/Accounts/" + sid + "/IncomingPhoneNumbers.json";
    std::string target = list_path + "?PageSize=" + std::to_string(kPageSize);
    const std::string authorization = basic_authorization(auth);
    std::vector<OwnedNumber> owned;
    std::set<std::string> seen;
    for (int page = 0;; ++page) {
      if (page >= kMaxPages || !seen.insert(target).second)
        return invalid_answer(auth, target, "next_page_uri repeats an earlier page; stopped");
      HttpRequest req;
      req.method = "GET";
      req.target = target;
      req.headers.emplace_back("Authorization", authorization);
      Result<HttpResponse> r = transport_->send(req);
      if (!r.ok()) {
        ApiError e = r.error();
        e.message = who(auth) + ": " + e.message;
        return e;
      }
      const HttpResponse& res = r.value();
      if (res.status < 200 || res.status > 299) return twilio_error(auth, target, res);
      std::string next;
      if (auto problem = read_page(res.body, owned, next); !problem.empty())
        return invalid_answer(auth, target, problem);
      if (next.empty()) return owned;
      target = next_target(next);
      if (target.compare(0, list_path.size() + 1, list_path + "?") != 0)
        return invalid_answer(auth, req.target,
                              "next_page_uri '" + next + "' is not a page of the same list");
    }
  }

  // Appends the page's numbers and sets next to its next_page_uri ("" on the last page);
  // returns what is wrong with the page, or "".
  static std::string read_page(const std::string& body, std::vector<OwnedNumber>& owned,
                               std::string& next) {
    try {
      Poco::SharedPtr<PageReader> reader = new PageReader;
      Poco::JSON::Parser parser(reader);
      parser.parse(body);
      reader->finish();
      if (!reader->problem.empty()) return reader->problem;
      for (auto& n : reader->items) owned.push_back(std::move(n));
      next = std::move(reader->next);
      return {};
    } catch (const Poco::Exception& e) {
      return e.displayText();
    } catch (const std::exception& e) {
      return e.what();
    }
  }

  std::shared_ptr<Transport> transport_;
};

// Twilio's words from an error body {code, message, more_info, status}, or the raw text.
struct TwilioBody {
  std::string code, message, more_info;
};

TwilioBody read_error_body(const std::string& body) {
  TwilioBody out;
  try {
    Var root = parse_json(body);
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

ApiError twilio_error(const TwilioAuth& auth, const std::string& target,
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
  if (e.kind == ErrorKind::Auth) {
    std::string hint = "check " + (auth.secret_env.empty() ? "the auth token" : auth.secret_env);
    if (auth.username != auth.account_sid) hint += " and the API key " + auth.username;
    e.message = who(auth) + ": " + text + ": " + hint;
  } else {
    e.message = who(auth) + ": GET " + target + ": " + text;
  }
  e.message = auth.password.hide_in(e.message);
  return e;
}

std::unique_ptr<TwilioApi> make_twilio_client(std::shared_ptr<Transport> transport) {
  return std::make_unique<HttpTwilioClient>(std::move(transport));
}

}  // namespace xs

#include "xuna/http_client.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <utility>

#include "xuna/json_value.h"
#include "xuna/list_reader.h"

namespace xs {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kNumbersPath = "/v1/convai/phone-numbers";
constexpr const char* kBatchPath = "/v1/convai/phone-numbers/batch-calls";

Var parse_json(const std::string& text) {
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
  return parser.parse(text);
}

std::string stringify(const Object::Ptr& obj) {
  std::ostringstream out;
  obj->stringify(out);
  return out.str();
}

// A string field that may arrive as a string or a number (ids of any shape).
std::string text_of(const Object::Ptr& obj, const std::string& key) {
  if (!obj->has(key)) return {};
  Var v = obj->get(key);
  if (v.isEmpty()) return {};
  return v.convert<std::string>();
}

ApiError invalid_answer(const std::string& what, const std::string& why) {
  ApiError e;
  e.kind = ErrorKind::Invalid;
  e.message = what + ": unexpected answer from the server: " + why;
  return e;
}

// A server's value for a message: cut to 80 characters.
std::string quoted(const std::string& value) {
  return "'" + (value.size() > 80 ? value.substr(0, 80) + "..." : value) + "'";
}

// An answer about something else than what was asked: not believed (the request may have
// acted on something, so maybe_committed).
ApiError inconsistent(const std::string& what, const std::string& field, const std::string& got,
                      const std::string& asked) {
  ApiError e;
  e.kind = ErrorKind::Invalid;
  e.maybe_committed = true;
  e.message = what + ": the answer names " + field + " " + quoted(got) + ", not " + quoted(asked) +
              " as asked; not believed";
  return e;
}

bool blank(const std::string& body) {
  return body.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The same phone number, whatever the spacing or punctuation ("+1 555-0100" is "+15550100").
bool same_number(const std::string& a, const std::string& b) {
  auto digits = [](const std::string& s) {
    std::string out;
    for (char c : s)
      if (std::isdigit(static_cast<unsigned char>(c)) || c == '+') out += c;
    return out;
  };
  return a == b || digits(a) == digits(b);
}

// "an empty answer (204 No Content)" for a 2xx without a body, where `expected` was needed.
ApiError empty_answer(const std::string& what, const HttpResponse& r, const std::string& expected) {
  std::string status = std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason);
  return invalid_answer(what,
                        "an empty answer (" + status + ") where " + expected + " was expected");
}

// The server's words from an error body: {"detail": str | {message,status} | [{loc,msg}]},
// Twilio-style {"message","code"}, or the raw text.
std::string server_message(const std::string& body) {
  try {
    Var root = parse_json(body);
    if (root.type() == typeid(Object::Ptr)) {
      Object::Ptr obj = root.extract<Object::Ptr>();
      if (obj->has("detail")) {
        Var detail = obj->get("detail");
        if (detail.isString()) return detail.convert<std::string>();
        if (detail.type() == typeid(Object::Ptr)) {
          Object::Ptr d = detail.extract<Object::Ptr>();
          std::string msg = text_of(d, "message");
          std::string status = text_of(d, "status");
          if (!msg.empty() && !status.empty()) return msg + " (" + status + ")";
          if (!msg.empty()) return msg;
          if (!status.empty()) return status;
        }
        if (detail.type() == typeid(Array::Ptr)) {
          Array::Ptr list = detail.extract<Array::Ptr>();
          std::string out;
          for (std::size_t i = 0; i < list->size(); ++i) {
            Object::Ptr item = list->getObject(static_cast<unsigned>(i));
            if (!item) continue;
            std::string where;
            if (Array::Ptr loc = item->getArray("loc")) {
              for (std::size_t j = 0; j < loc->size(); ++j) {
                if (!where.empty()) where += ".";
                where += loc->get(static_cast<unsigned>(j)).convert<std::string>();
              }
            }
            if (!out.empty()) out += "; ";
            out += (where.empty() ? "" : where + ": ") + text_of(item, "msg");
          }
          if (!out.empty()) return out;
        }
      }
      std::string msg = text_of(obj, "message");
      if (!msg.empty()) {
        std::string code = text_of(obj, "code");
        return code.empty() ? msg : msg + " (code " + code + ")";
      }
    }
  } catch (const Poco::Exception&) {
  } catch (const std::exception&) {
  }
  std::string text = body.substr(0, 200);
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

class HttpXunaClient final : public XunaApi {
 public:
  HttpXunaClient(std::shared_ptr<Transport> transport, Secret key)
      : transport_(std::move(transport)), key_(std::move(key)) {}

  // Each call's errors, including those read from a 2xx answer, with every form of the key
  // (and of the import's token) masked: the answer may quote them.
  Result<LiveList> list_numbers() override { return scrubbed(list_impl()); }
  Result<std::string> import_number(const ImportRequest& request,
                                    const std::string& idempotency_key) override {
    return scrubbed(import_impl(request, idempotency_key), &request.twilio_auth_token);
  }
  Result<Unit> assign_agent(const std::string& phone_number_id, const std::string& agent_id,
                            const std::string& idempotency_key) override {
    return scrubbed(assign_impl(phone_number_id, agent_id, idempotency_key));
  }
  Result<BatchResult> submit_batch(const BatchRequest& request,
                                   const std::string& idempotency_key) override {
    return scrubbed(batch_impl(request, idempotency_key));
  }

 private:
  template <class T>
  Result<T> scrubbed(Result<T> r, const Secret* also = nullptr) const {
    if (r.ok()) return r;
    ApiError e = r.error();
    e.message = hide_forms(std::move(e.message), forms(also));
    return e;
  }

  std::vector<std::string> forms(const Secret* also) const {
    std::vector<std::string> out = secret_forms(key_.reveal());
    if (also) {
      std::vector<std::string> more = secret_forms(also->reveal());
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }

  Result<LiveList> list_impl() {
    auto r = exchange("GET", kNumbersPath, "", "");
    if (!r.ok()) return r.error();
    const std::string what = std::string("GET ") + kNumbersPath;
    if (blank(r.value().body)) return empty_answer(what, r.value(), "a JSON array of numbers");
    LiveList live;
    std::string why = read_number_list(r.value().body, live);
    if (!why.empty()) return invalid_answer(what, why);
    return live;
  }

  Result<std::string> import_impl(const ImportRequest& request,
                                  const std::string& idempotency_key) {
    Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("label", request.label);
    body->set("phone_number", request.phone_number);
    body->set("twilio_account_sid", request.twilio_account_sid);
    body->set("twilio_auth_token", request.twilio_auth_token.reveal());
    auto r = exchange("POST", kNumbersPath, stringify(body), idempotency_key,
                      &request.twilio_auth_token);
    if (!r.ok()) return r.error();
    const std::string what = std::string("POST ") + kNumbersPath;
    if (blank(r.value().body))
      return empty_answer(what, r.value(), "a JSON object with the new phone_number_id");
    try {
      Var root = parse_json(r.value().body);
      if (root.type() != typeid(Object::Ptr)) return invalid_answer(what, "expected an object");
      Object::Ptr obj = root.extract<Object::Ptr>();
      std::string id = text_of(obj, "phone_number_id");
      if (id.empty()) return invalid_answer(what, "no phone_number_id");
      const std::string number = text_of(obj, "phone_number");
      if (!number.empty() && !same_number(number, request.phone_number))
        return inconsistent(what, "phone_number", number, request.phone_number);
      return id;
    } catch (const Poco::Exception& e) {
      return invalid_answer(what, e.displayText());
    }
  }

  Result<Unit> assign_impl(const std::string& phone_number_id, const std::string& agent_id,
                           const std::string& idempotency_key) {
    Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("agent_id", agent_id);
    const std::string path = std::string(kNumbersPath) + "/" + url_encode(phone_number_id);
    auto r = exchange("PATCH", path, stringify(body), idempotency_key);
    if (!r.ok()) return r.error();
    // An empty 2xx body is enough; a record of another number or agent is not believed.
    const std::string what = "PATCH " + path;
    try {
      Var root = parse_json(r.value().body);
      if (root.type() != typeid(Object::Ptr)) return Unit{};
      Object::Ptr record = root.extract<Object::Ptr>();
      const std::string id = text_of(record, "phone_number_id");
      if (!id.empty() && id != phone_number_id)
        return inconsistent(what, "phone_number_id", id, phone_number_id);
      std::string agent = text_of(record, "agent_id");
      if (agent.empty()) {
        if (Object::Ptr assigned = record->getObject("assigned_agent"))
          agent = text_of(assigned, "agent_id");
      }
      if (!agent.empty() && agent != agent_id)
        return inconsistent(what, "agent_id", agent, agent_id);
    } catch (const Poco::Exception&) {  // not JSON: nothing that contradicts the request
    } catch (const std::exception&) {
    }
    return Unit{};
  }

  Result<BatchResult> batch_impl(const BatchRequest& request, const std::string& idempotency_key) {
    Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("agent_id", request.agent_id);
    body->set("from_phone_number_id", request.from_phone_number_id);
    Array::Ptr calls = new Array;
    for (const auto& call : request.calls) {
      Object::Ptr c = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      c->set("to_phone_number", call.to_phone_number);
      if (call.conversation_config_override)
        c->set("conversation_config_override", to_poco(*call.conversation_config_override));
      calls->add(c);
    }
    body->set("calls", calls);
    auto r = exchange("POST", kBatchPath, stringify(body), idempotency_key);
    if (!r.ok()) return r.error();
    // A 2xx: the server took the request, so anything short of a batch_id is an outcome that
    // cannot be known (the calls may be under way), never a refusal.
    const std::string what = std::string("POST ") + kBatchPath;
    auto unclear = [](ApiError e) {
      e.maybe_committed = true;
      return e;
    };
    if (blank(r.value().body))
      return unclear(empty_answer(what, r.value(), "a JSON object with the batch_id"));
    BatchResult result;
    try {
      Var root = parse_json(r.value().body);
      if (root.type() != typeid(Object::Ptr)) return unclear(invalid_answer(what, "expected an object"));
      Object::Ptr obj = root.extract<Object::Ptr>();
      result.batch_id = text_of(obj, "batch_id");
      if (result.batch_id.empty()) return unclear(invalid_answer(what, "no batch_id"));
      Var n = obj->get("calls_initiated");
      if (!n.isEmpty() && n.isInteger()) result.calls_initiated = std::max<Poco::Int64>(0, n.convert<Poco::Int64>());
    } catch (const Poco::Exception& e) {
      if (result.batch_id.empty()) return unclear(invalid_answer(what, e.displayText()));
    } catch (const std::exception& e) {
      if (result.batch_id.empty()) return unclear(invalid_answer(what, e.what()));
    }
    return result;
  }

  // One request; a non-2xx answer becomes an ApiError, with every form of the API key (and of
  // `also`, a secret the body carries) scrubbed from it: a 401 may quote the key it refused.
  // The real transport masks them already (RedactingTransport); this holds for any transport.
  Result<HttpResponse> exchange(const std::string& method, const std::string& path,
                                const std::string& body, const std::string& idempotency_key,
                                const Secret* also = nullptr) {
    HttpRequest req;
    req.method = method;
    req.target = path;
    req.body = body;
    req.headers.emplace_back("xi-api-key", key_.reveal());
    if (!idempotency_key.empty()) req.headers.emplace_back("Idempotency-Key", idempotency_key);
    if (also) req.secrets.push_back(*also);
    Result<HttpResponse> r = transport_->send(req);
    if (r.ok() && r.value().status >= 200 && r.value().status <= 299) return r;
    // Every form of both secrets, masked in the answer before a message is cut from it (a
    // cut could keep half a secret) and in the message after (its JSON escapes are decoded).
    const std::vector<std::string> forms = this->forms(also);
    ApiError e;
    if (r.ok()) {
      HttpResponse answer = r.value();
      answer.reason = hide_forms(std::move(answer.reason), forms);
      answer.body = hide_forms(std::move(answer.body), forms);
      e = error_from_response(method, path, answer);
    } else {
      e = r.error();
    }
    e.message = hide_forms(std::move(e.message), forms);
    return e;
  }

  static std::string url_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  }

  std::shared_ptr<Transport> transport_;
  Secret key_;
};

}  // namespace

ApiError error_from_response(const std::string& method, const std::string& path,
                             const HttpResponse& response) {
  ApiError e;
  e.status = response.status;
  const int s = response.status;
  if (s == 401 || s == 403) {
    e.kind = ErrorKind::Auth;
  } else if (s == 404) {
    e.kind = ErrorKind::NotFound;
  } else if (s == 409) {
    e.kind = ErrorKind::Conflict;
  } else if (s == 429 || s >= 500) {
    e.kind = ErrorKind::Transient;
    e.maybe_committed = s != 429;
  } else {
    e.kind = ErrorKind::Invalid;
  }
  std::string reason = response.reason.empty() ? "" : " " + response.reason;
  std::string msg = server_message(response.body);
  e.message = method + " " + path + ": " + std::to_string(s) + reason + redirect_note(response) +
              (msg.empty() ? "" : ": " + msg);
  return e;
}

std::unique_ptr<XunaApi> make_xuna_client(std::shared_ptr<Transport> transport, Secret api_key) {
  return std::make_unique<HttpXunaClient>(std::move(transport), std::move(api_key));
}

}  // namespace xs

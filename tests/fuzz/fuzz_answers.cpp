// libFuzzer target over what the servers answer (FUZZ_TARGET=fuzz_answers scripts/fuzz.sh):
// the XUNA client's list, import, assign and batch calls and the Twilio client's paged list,
// through their public interfaces, over a transport that answers with the input. The first
// byte picks the call (and, from 5 on, echo mode), the second the status; the rest is the
// body. In echo mode the body quotes the request as a proxy might: "@H" becomes its headers,
// "@J" them JSON-escaped, "@P" percent-encoded, "@B" the request body. Promises: nothing
// throws, no error message holds any form (secret_forms) of the API key or the Twilio token,
// and what is read is whole.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "twilio/client.h"
#include "xuna/http_client.h"

namespace {

const std::string kKey = "xk_fuzz_key_0123456789abcdef0123456789";
const std::string kToken = "tw_fuzz_token_0123456789abcdef01";
constexpr int kStatuses[] = {200, 201, 204, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503};

std::string json_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '/') out += '\\';
    out += c;
  }
  return out;
}

std::string percent_encoded(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// body with each marker replaced by what the request carried.
std::string echo(std::string body, const xs::HttpRequest& request) {
  std::string headers;
  for (const auto& [name, value] : request.headers) headers += name + ": " + value + "\r\n";
  const std::pair<const char*, std::string> marks[] = {{"@H", headers},
                                                       {"@J", json_escaped(headers)},
                                                       {"@P", percent_encoded(headers)},
                                                       {"@B", request.body}};
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    bool replaced = false;
    for (const auto& [mark, text] : marks) {
      if (body.compare(i, 2, mark) == 0 && out.size() < 100000) {
        out += text;
        ++i;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += body[i];
  }
  return out;
}

class Canned final : public xs::Transport {
 public:
  Canned(int status, std::string body, bool echo)
      : status_(status), body_(std::move(body)), echo_(echo) {}
  xs::Result<xs::HttpResponse> send(const xs::HttpRequest& request) override {
    xs::HttpResponse r;
    r.status = status_;
    r.reason = "Fuzz";
    r.body = echo_ ? echo(body_, request) : body_;
    return r;
  }
  std::string base_url() const override { return "http://fuzz.invalid"; }

 private:
  int status_;
  std::string body_;
  bool echo_;
};

bool holds_a_form(const std::string& text, const std::string& secret) {
  for (const std::string& form : xs::secret_forms(secret))
    if (text.find(form) != std::string::npos) return true;
  return false;
}

// The secrets a call was given never show in its error. Only those: a body quoting a string
// the call never had is just text to it (the Twilio client has no XUNA key; only the import
// carries a Twilio token).
void check(const xs::ApiError& e, bool key, bool token) {
  if (key && holds_a_form(e.message, kKey)) std::abort();
  if (token && holds_a_form(e.message, kToken)) std::abort();
}

// The Twilio client: its paged list, one number, or an update whose webhook URL carries a
// password that no error may show either. `which` comes from the status byte's high part.
void twilio_call(int which, std::shared_ptr<xs::Transport> transport) {
  const std::string kHookPassword = "hook_fuzz_password_0123456789";
  auto twilio = xs::make_twilio_client(std::move(transport));
  xs::TwilioAuth auth{"main", "AC0123456789abcdef0123456789abcdef",
                      "AC0123456789abcdef0123456789abcdef", xs::Secret(kToken), "TOKEN"};
  if (which == 0) {
    auto r = twilio->list_owned(auth);
    if (!r.ok()) return check(r.error(), false, true);
    for (const auto& n : r.value())
      if (n.phone_number.empty() || n.routing.sid != n.sid) std::abort();
    return;
  }
  const std::string sid = "PN0123456789abcdef0123456789abcdef";
  xs::Result<xs::OwnedNumber> r = xs::ApiError{};
  if (which == 1) {
    r = twilio->get_number(auth, sid);
  } else {
    xs::TwilioRouting to;
    to.voice_url = "https://ivr:" + kHookPassword + "@ivr.example.com/voice";
    r = twilio->update_routing(auth, sid, to);
  }
  if (!r.ok()) {
    check(r.error(), false, true);
    // only the update sent the password: to the GET, a body quoting it is just text
    if (which == 2 && r.error().message.find(kHookPassword) != std::string::npos) std::abort();
  } else if (r.value().sid != sid || r.value().phone_number.empty()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int call = data[0] % 5;
  const bool echo_mode = data[0] % 10 >= 5;
  const int status = kStatuses[data[1] % (sizeof kStatuses / sizeof kStatuses[0])];
  auto transport = std::make_shared<Canned>(
      status, std::string(reinterpret_cast<const char*>(data + 2), size - 2), echo_mode);
  try {
    if (call == 4) {
      twilio_call(data[1] / 13 % 3, transport);  // 0 (the seeds' choice): the list
      return 0;
    }
    auto xuna = xs::make_xuna_client(transport, xs::Secret(kKey));
    switch (call) {
      case 0: {
        auto r = xuna->list_numbers();
        if (!r.ok()) check(r.error(), true, false);
        else
          for (const auto& n : r.value())
            if (n.phone_number.empty() || n.phone_number_id.empty()) std::abort();
        break;
      }
      case 1: {
        auto r = xuna->import_number({"L", "+15551234567", "AC0", xs::Secret(kToken)}, "k1");
        if (!r.ok()) check(r.error(), true, true);
        else if (r.value().empty()) std::abort();
        break;
      }
      case 2: {
        auto r = xuna->assign_agent("phnum_1", "agent_1", "k2");
        if (!r.ok()) check(r.error(), true, false);
        break;
      }
      default: {
        xs::BatchRequest b{"agent_1", "phnum_1", {{"+15559876543", std::nullopt}}};
        auto r = xuna->submit_batch(b, "k3");
        if (!r.ok()) check(r.error(), true, false);
        else if (r.value().batch_id.empty()) std::abort();
        break;
      }
    }
  } catch (...) {
    std::abort();  // the clients answer with Result, never an exception
  }
  return 0;
}

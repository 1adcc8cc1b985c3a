// Masking by derivation: every form of a sent secret is masked in what comes back.
#include <Poco/Base64Encoder.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <random>
#include <sstream>

#include "fakes.h"
#include "http/redact.h"
#include "util/log.h"
#include "xuna/http_client.h"

using namespace xs;
using xs::test::response;
using xs::test::ScriptedTransport;

namespace {

std::string b64(const std::string& text) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << text;
  encoder.close();
  return out.str();
}

// Every form of the secret that must never show: none of its secret_forms.
void check_hidden(const std::string& text, const std::string& secret) {
  INFO(text);
  for (const std::string& form : secret_forms(secret)) CHECK(text.find(form) == std::string::npos);
}

}  // namespace

TEST_CASE("a Basic header quoted back is masked, whatever the user name's length") {
  const Secret token("0b1dcafe2a9f4e7c8d3b5a6f7e8d9c0b");
  for (const std::string user : {"A", "AC", "AC0", "AC0123456789abcdef0123456789abcdef"}) {
    const std::string header = b64(user + ":" + token.reveal());
    const std::string masked = token.hide_in("echo: Basic " + header + " end");
    CHECK(masked.find(header) == std::string::npos);
    CHECK(masked.find("*** end") != std::string::npos);  // the padded tail goes too
    check_hidden(masked, token.reveal());
  }
}

TEST_CASE("percent-encoded and JSON-escaped forms are masked") {
  const Secret s("to/k\"en+ \xC3\xA9-12345");
  for (const std::string text :
       {"to%2Fk%22en%2B%20%C3%A9-12345", "to%2fk%22en%2b+%c3%a9-12345",
        R"(to\/k\"en+ \u00e9-12345)", R"(to/k\"en+ \u00E9-12345)", "to/k\\\"en+ \xC3\xA9-12345"}) {
    CHECK(s.hide_in("x " + text + " y") == "x *** y");
  }
  CHECK(Secret("abc").hide_in("abc abd") == "*** abd");  // short secrets: the plain form only
}

TEST_CASE("the transport masks every secret it sent in the answer and registers them for logs") {
  const std::string token = "Tw1l10/t0ken+secret-value-42";
  const std::string basic = "Basic " + b64("AC0123:" + token);
  std::string escaped_basic = basic;
  for (std::size_t p = 0; (p = escaped_basic.find('/', p)) != std::string::npos; p += 2)
    escaped_basic.replace(p, 1, "\\/");
  auto inner = std::make_shared<ScriptedTransport>();
  inner->answers = {
      response(401, R"({"message":"refused )" + escaped_basic + R"(", "h":")" + basic + R"("})",
               {{"www-authenticate", basic}})};
  RedactingTransport t(inner);
  HttpRequest req{"GET", "/x", {{"Authorization", basic}}, ""};
  auto r = t.send(req);
  REQUIRE(r.ok());
  CHECK(inner->requests[0].headers[0].second == basic);  // what is sent is untouched
  check_hidden(r.value().body, token);
  CHECK(r.value().body.find(b64("AC0123:" + token)) == std::string::npos);
  CHECK(r.value().headers["www-authenticate"] == "***");
  // the process-wide hook masks it in any later line
  check_hidden(redact("log: " + basic + " " + escaped_basic), token);
}

TEST_CASE("an Idempotency-Key is no secret: an answer and the log quote it as it is") {
  const std::string key = "idem-7c0f3d1e-5b2a-4e8f-9a61-0d4c2b7e8f90";
  auto inner = std::make_shared<ScriptedTransport>();
  inner->answers = {response(409, R"({"detail":"key )" + key + R"( reused"})")};
  RedactingTransport t(inner);
  HttpRequest req{"POST", "/x", {{"xi-api-key", "xk_live_0123456789abcdef"}, {"Idempotency-Key", key}}, "{}"};
  auto r = t.send(req);
  REQUIRE(r.ok());
  CHECK(r.value().body.find(key) != std::string::npos);
  CHECK(r.value().body.find("xk_live") == std::string::npos);
  CHECK(redact("retrying with " + key) == "retrying with " + key);
}

TEST_CASE("a transport error quoting a body secret is masked") {
  auto inner = std::make_shared<ScriptedTransport>();
  ApiError e;
  e.message = "reset while sending twilio_auth_token=body%2Fsecret%3D99";
  inner->answers = {e};
  RedactingTransport t(inner);
  HttpRequest req{"POST", "/x", {}, "{}"};
  req.secrets.emplace_back("body/secret=99");
  auto r = t.send(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "reset while sending twilio_auth_token=***");
}

TEST_CASE("a 401 quoting the XUNA key escaped and encoded leaks no form of it") {
  const std::string key = "xk_live/0123+456789\"abcdef";
  auto t = std::make_shared<ScriptedTransport>();
  // JSON-escaped (with \/ and \"), percent-encoded, and as an echoed header line
  const std::string body =
      R"({"detail":"bad key xk_live\/0123+456789\"abcdef", "raw":"xk_live%2F0123%2B456789%22abcdef",)"
      R"( "headers":"xi-api-key: xk_live/0123+456789\"abcdef"})";
  t->answers = {response(401, body), response(502, std::string(190, 'x') + key)};
  auto client = make_xuna_client(t, Secret(key));
  auto r = client->list_numbers();
  REQUIRE_FALSE(r.ok());
  check_hidden(r.error().message, key);
  auto cut = client->list_numbers();  // the message is cut at 200 characters: no half key
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().message.find("xk_live") == std::string::npos);
}

namespace {

// The masking as first written: each form (longest first) searched in the whole text and
// replaced, the next form searched in what that left.
std::string hide_reference(std::string text, std::vector<std::string> forms) {
  std::sort(forms.begin(), forms.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  for (const std::string& form : forms) {
    if (form.empty()) continue;
    std::string out;
    std::size_t from = 0;
    for (std::size_t at = text.find(form); at != std::string::npos; at = text.find(form, from)) {
      out.append(text, from, at - from);
      out += "***";
      from = at + form.size();
    }
    if (from == 0) continue;
    out.append(text, from, std::string::npos);
    text = std::move(out);
  }
  return text;
}

}  // namespace

TEST_CASE("the mask made once hides what the form-by-form masking hides, in short and long texts") {
  // Long texts take the path that skips forms whose byte pairs are absent: a form made
  // possible only by an earlier "***" (a secret holding '*') must still be found.
  std::mt19937 rng(23);
  const std::string alphabet = "ab*c+/=%2F\\u";
  auto random_text = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int round = 0; round < 400; ++round) {
    std::vector<std::string> forms;
    for (int f = 0; f < 1 + static_cast<int>(rng() % 6); ++f) forms.push_back(random_text(1 + rng() % 6));
    if (round % 7 == 0) forms.push_back("b***c");  // only there once "b" + form + "c" is masked
    std::string text = random_text(round % 2 ? 600 + rng() % 400 : rng() % 200);
    for (const auto& f : forms) text.insert(rng() % (text.size() + 1), f);
    INFO("round " << round);
    CHECK(SecretMask(forms).hide(text) == hide_reference(text, forms));
  }
}

TEST_CASE("a form that only the masking of a longer one makes is masked in a long text too") {
  const std::string text = std::string(1000, 'x') + "b" + "longer-form" + "c" + std::string(10, 'y');
  const std::vector<std::string> forms{"longer-form", "b***c"};  // no '*' in the text before
  CHECK(SecretMask(forms).hide(text) == std::string(1000, 'x') + "***" + std::string(10, 'y'));
  CHECK(SecretMask(forms).hide(text) == hide_reference(text, forms));
}

TEST_CASE("a long answer with no form of the secret comes back unchanged, one with it masked") {
  const std::string token = "0b1dcafe2a9f4e7c8d3b5a6f7e8d9c0b";
  const SecretMask mask(secret_forms(token));
  std::string page = "{\"incoming_phone_numbers\": [";
  for (int i = 0; i < 500; ++i) page += "{\"phone_number\": \"+1201550" + std::to_string(1000 + i) + "\"},";
  CHECK(mask.hide(page) == page);
  const std::string leaked = page + "\"" + b64("AC01:" + token) + "\"]}";
  check_hidden(mask.hide(leaked), token);
}

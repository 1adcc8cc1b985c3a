// Masking by derivation: every form of a sent secret is masked in what comes back.
#include <Poco/Base64Encoder.h>

#include <catch2/catch.hpp>
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

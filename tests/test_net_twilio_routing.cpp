// The Twilio client's routing: read from the list and from one number, and updated with
// Twilio's form; errors name the account and the number, never a secret.
#include <catch2/catch.hpp>

#include "fakes.h"
#include "twilio/client.h"

using namespace xs;
using xs::test::response;
using xs::test::ScriptedTransport;

namespace {

const std::string kSid = "AC0123456789abcdef0123456789abcdef";
const std::string kNumbers = "/2010-04-01/Accounts/" + kSid + "/IncomingPhoneNumbers";
const std::string kPn = "PN0123456789abcdef0123456789abcdef";
const std::string kToken = "s3cret-token-value";
// base64("AC0123456789abcdef0123456789abcdef:s3cret-token-value")
const std::string kBasic =
    "QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjpzM2NyZXQtdG9rZW4tdmFsdWU=";
// A webhook whose password (p@ss w&rd, percent-encoded in the URL) must never be shown.
const std::string kSecretUrl = "https://ivr:p%40ss%20w%26rd@ivr.example.com/voice?a=1&b=two words";

TwilioAuth auth() {
  return {"main", kSid, kSid, Secret(kToken), "TWILIO_MAIN_AUTH_TOKEN"};
}

std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

// One number in Twilio's shape, routed to an IVR with a fallback and a status callback.
std::string number_json(const std::string& sid = kPn) {
  return R"({"account_sid":")" + kSid + R"(","sid":")" + sid +
         R"(","phone_number":"+15550001111","friendly_name":"Front desk",)"
         R"("voice_url":"https://ivr.example.com/voice","voice_method":"POST",)"
         R"("voice_fallback_url":"https://ivr.example.com/fallback","voice_fallback_method":"GET",)"
         R"("status_callback":"https://ivr.example.com/status","status_callback_method":"POST",)"
         R"("voice_application_sid":null,"trunk_sid":"","voice_receive_mode":"voice",)"
         R"("capabilities":{"voice":true,"sms":true},"emergency_status":"Inactive",)"
         R"("subresource_uris":{"assigned_add_ons":"/x.json"},"beta":false,"uri":"/y.json"})";
}

// Every way a secret of these tests could show in a message.
void check_no_secret(const std::string& message) {
  CAPTURE(message);
  for (const std::string& s :
       {kToken, kBasic, std::string("p%40ss%20w%26rd"), std::string("p@ss w&rd"),
        std::string("p%2540ss%2520w%2526rd"), kSecretUrl})
    CHECK(message.find(s) == std::string::npos);
}

}  // namespace

TEST_CASE("the list keeps each number's routing, nulls as empty, unknown fields ignored") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {
      response(200, R"({"page":0,"incoming_phone_numbers":[)" + number_json() +
                        R"(,{"sid":"PN2","phone_number":"+15550002222","voice_url":null,)"
                        R"("voice_method":null,"voice_application_sid":"AP1","trunk_sid":null,)"
                        R"("extra":{"voice_url":"https://decoy.example","trunk_sid":"TKdecoy"},)"
                        R"("list":[{"trunk_sid":"TKdecoy2"}],"voice_receive_mode":"fax"},)"
                        R"({"sid":"PN3","phone_number":"+15550003333","trunk_sid":"TK3"}],)"
                        R"("next_page_uri":null})")};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 3);
  const TwilioRouting& a = r.value()[0].routing;
  CHECK(a.sid == kPn);
  CHECK(a.voice_url == "https://ivr.example.com/voice");
  CHECK(a.voice_method == "POST");
  CHECK(a.voice_fallback_url == "https://ivr.example.com/fallback");
  CHECK(a.voice_fallback_method == "GET");
  CHECK(a.status_callback == "https://ivr.example.com/status");
  CHECK(a.status_callback_method == "POST");
  CHECK(a.voice_application_sid.empty());
  CHECK(a.trunk_sid.empty());
  CHECK(a.voice_receive_mode == "voice");
  TwilioRouting b;
  b.sid = "PN2";
  b.voice_application_sid = "AP1";
  b.voice_receive_mode = "fax";
  CHECK(r.value()[1].routing == b);
  TwilioRouting c;
  c.sid = "PN3";
  c.trunk_sid = "TK3";
  CHECK(r.value()[2].routing == c);
  CHECK(t->requests.size() == 1);  // no call per number
}

TEST_CASE("get_number reads one number and its routing") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, number_json())};
  auto r = make_twilio_client(t)->get_number(auth(), kPn);
  REQUIRE(r.ok());
  REQUIRE(t->requests.size() == 1);
  CHECK(t->requests[0].method == "GET");
  CHECK(t->requests[0].target == kNumbers + "/" + kPn + ".json");
  CHECK(t->requests[0].body.empty());
  CHECK(header(t->requests[0], "Authorization") == "Basic " + kBasic);
  CHECK(r.value().sid == kPn);
  CHECK(r.value().phone_number == "+15550001111");
  CHECK(r.value().friendly_name == "Front desk");
  CHECK(r.value().routing.sid == kPn);
  CHECK(r.value().routing.voice_url == "https://ivr.example.com/voice");
  CHECK(r.value().routing.status_callback_method == "POST");
  CHECK(r.value().routing.voice_receive_mode == "voice");
}

TEST_CASE("get_number puts the sid in the path as one segment") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, number_json("PN1/../x?y"))};
  auto r = make_twilio_client(t)->get_number(auth(), "PN1/../x?y");
  REQUIRE(r.ok());
  CHECK(t->requests[0].target == kNumbers + "/PN1%2F..%2Fx%3Fy.json");
}

TEST_CASE("get_number: a 404 names the account and the number, kind NotFound") {
  auto t = std::make_shared<ScriptedTransport>();
  const std::string target = kNumbers + "/" + kPn + ".json";
  t->answers = {response(
      404,
      R"({"code":20404,"message":"The requested resource )" + target +
          R"( was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404})")};
  auto r = make_twilio_client(t)->get_number(auth(), kPn);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::NotFound);
  CHECK(r.error().status == 404);
  CHECK(r.error().message == "Twilio account 'main' (" + kSid + "): number " + kPn +
                                 " not found (deleted, or moved to another account): GET " +
                                 target + ": 404 The requested resource " + target +
                                 " was not found (code 20404, "
                                 "https://www.twilio.com/docs/errors/20404)");
}

TEST_CASE("get_number refuses an answer that is not the number asked for") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {number_json("PNother"), "the answer is for number 'PNother', not " + kPn},
      {R"({"sid":")" + kPn + R"("})", "the number has no phone_number"},
      {R"([)" + number_json() + "]", "expected a JSON object"},
      {R"({"incoming_phone_numbers":[)" + number_json() + "]}", "the number has no phone_number"},
      {"", "unexpected answer from Twilio"},
  };
  for (const auto& [body, problem] : cases) {
    CAPTURE(body);
    auto t = std::make_shared<ScriptedTransport>();
    t->answers = {response(200, body)};
    auto r = make_twilio_client(t)->get_number(auth(), kPn);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Invalid);
    CHECK(r.error().message.find("Twilio account 'main' (" + kSid + "): GET ") == 0);
    CHECK(r.error().message.find(problem) != std::string::npos);
  }
}

TEST_CASE("update_routing posts Twilio's form, every value percent-encoded") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, number_json())};
  TwilioRouting to;
  to.sid = kPn;
  to.voice_url = kSecretUrl;
  to.voice_method = "POST";
  to.voice_fallback_url = "https://ivr.example.com/fall back";
  to.voice_fallback_method = "GET";
  to.status_callback = "https://ivr.example.com/status?x=a+b";
  to.status_callback_method = "POST";
  to.voice_receive_mode = "voice";
  auto r = make_twilio_client(t)->update_routing(auth(), kPn, to);
  REQUIRE(r.ok());
  REQUIRE(t->requests.size() == 1);
  const HttpRequest& req = t->requests[0];
  CHECK(req.method == "POST");
  CHECK(req.target == kNumbers + "/" + kPn + ".json");
  CHECK(header(req, "Authorization") == "Basic " + kBasic);
  CHECK(header(req, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(req.body ==
        "VoiceUrl=https%3A%2F%2Fivr%3Ap%2540ss%2520w%2526rd%40ivr.example.com%2Fvoice%3Fa%3D1%26b%"
        "3Dtwo%20words"
        "&VoiceMethod=POST"
        "&VoiceFallbackUrl=https%3A%2F%2Fivr.example.com%2Ffall%20back"
        "&VoiceFallbackMethod=GET"
        "&StatusCallback=https%3A%2F%2Fivr.example.com%2Fstatus%3Fx%3Da%2Bb"
        "&StatusCallbackMethod=POST"
        "&VoiceApplicationSid="
        "&TrunkSid="
        "&VoiceReceiveMode=voice");
  // Answers the number as Twilio now has it.
  CHECK(r.value().sid == kPn);
  CHECK(r.value().routing.voice_url == "https://ivr.example.com/voice");
}

TEST_CASE("update_routing always sends URLs and sids (empty clears), methods only when set") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, number_json())};
  TwilioRouting to;
  to.trunk_sid = "TK0123456789abcdef0123456789abcdef";
  auto r = make_twilio_client(t)->update_routing(auth(), kPn, to);
  REQUIRE(r.ok());
  CHECK(t->requests[0].body ==
        "VoiceUrl=&VoiceFallbackUrl=&StatusCallback=&VoiceApplicationSid="
        "&TrunkSid=TK0123456789abcdef0123456789abcdef");
}

TEST_CASE("update_routing: a 400 shows Twilio's words with the webhook password masked") {
  auto t = std::make_shared<ScriptedTransport>();
  // A server that quotes back the URL in every form, the form itself and the auth header.
  t->answers = {response(
      400, R"({"code":21402,"message":"VoiceUrl is not valid: )" + kSecretUrl +
               " (https://ivr:p@ss w&rd@ivr.example.com) body "
               "VoiceUrl=https%3A%2F%2Fivr%3Ap%2540ss%2520w%2526rd%40ivr; Basic " +
               kBasic + " " + kToken +
               R"(","more_info":"https://www.twilio.com/docs/errors/21402","status":400})")};
  TwilioRouting to;
  to.voice_url = kSecretUrl;
  auto r = make_twilio_client(t)->update_routing(auth(), kPn, to);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().status == 400);
  CHECK_FALSE(r.error().maybe_committed);
  CHECK(r.error().message.find("Twilio account 'main' (" + kSid + "): POST " + kNumbers + "/" +
                               kPn + ".json: 400 VoiceUrl is not valid: https://ivr:***@") == 0);
  CHECK(r.error().message.find("(code 21402, https://www.twilio.com/docs/errors/21402)") !=
        std::string::npos);
  check_no_secret(r.error().message);
}

TEST_CASE("update_routing: a 404 is NotFound naming the number, a 5xx may have been done") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(404, R"({"code":20404,"message":"Not found","status":404})")};
  TwilioRouting to;
  to.voice_url = kSecretUrl;
  auto r = make_twilio_client(t)->update_routing(auth(), kPn, to);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::NotFound);
  CHECK(r.error().message.find("Twilio account 'main' (" + kSid + "): number " + kPn +
                               " not found (deleted, or moved to another account): POST ") == 0);
  check_no_secret(r.error().message);

  t->answers = {response(503, "<html>down " + kSecretUrl + "</html>")};
  r = make_twilio_client(t)->update_routing(auth(), kPn, to);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transient);
  CHECK(r.error().maybe_committed);
  check_no_secret(r.error().message);

  t->answers = {response(429, R"({"code":20429,"message":"Too Many Requests","status":429})")};
  r = make_twilio_client(t)->update_routing(auth(), kPn, to);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transient);
  CHECK_FALSE(r.error().maybe_committed);  // refused before any work
}

TEST_CASE("update_routing refuses an answer for another number, naming both") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, number_json("PNzzz"))};
  auto r = make_twilio_client(t)->update_routing(auth(), kPn, TwilioRouting{});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().message.find("the answer is for number 'PNzzz', not " + kPn) !=
        std::string::npos);
}

TEST_CASE("a connection failure during an update names the account, keeps its kind, no secret") {
  auto t = std::make_shared<ScriptedTransport>();
  ApiError lost;
  lost.kind = ErrorKind::Transient;
  lost.maybe_committed = true;
  lost.message = "POST " + kNumbers + "/" + kPn + ".json: connection reset by peer";
  t->answers = {lost};
  TwilioRouting to;
  to.voice_url = kSecretUrl;
  auto r = make_twilio_client(t)->update_routing(auth(), kPn, to);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transient);
  CHECK(r.error().maybe_committed);
  CHECK(r.error().message == "Twilio account 'main' (" + kSid + "): " + lost.message);
}

TEST_CASE("an empty sid is refused before anything is sent") {
  auto t = std::make_shared<ScriptedTransport>();
  auto client = make_twilio_client(t);
  auto got = client->get_number(auth(), "");
  auto set = client->update_routing(auth(), "", TwilioRouting{});
  REQUIRE_FALSE(got.ok());
  REQUIRE_FALSE(set.ok());
  CHECK(got.error().kind == ErrorKind::Invalid);
  CHECK(set.error().message.find("no IncomingPhoneNumber sid given") != std::string::npos);
  CHECK(t->requests.empty());
}

TEST_CASE("a 401 quoting the Basic header back shows neither the token nor its encoding") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(
      401, R"({"code":20003,"message":"Authenticate: got Basic )" + kBasic + R"(","status":401})")};
  auto r = make_twilio_client(t)->get_number(auth(), kPn);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Auth);
  CHECK(r.error().message == "Twilio account 'main' (" + kSid +
                                 "): 401 Authenticate: got Basic *** (code 20003): check "
                                 "TWILIO_MAIN_AUTH_TOKEN");
  check_no_secret(r.error().message);
}

// The Twilio client over a scripted transport: paging, exact numbers, auth, error bodies.
#include <catch2/catch.hpp>
#include <atomic>
#include <set>

#include "fakes.h"
#include "http/retry.h"
#include "twilio/client.h"

using namespace xs;
using xs::test::response;
using xs::test::ScriptedTransport;

namespace {

const std::string kSid = "AC0123456789abcdef0123456789abcdef";
const std::string kList = "/2010-04-01/Accounts/" + kSid + "/IncomingPhoneNumbers.json";

TwilioAuth auth(const std::string& token = "s3cret-token-value") {
  return {"main", kSid, kSid, Secret(token), "TWILIO_MAIN_AUTH_TOKEN"};
}

std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

// base64("AC0123456789abcdef0123456789abcdef:s3cret-token-value")
const std::string kBasicMain =
    "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjpzM2NyZXQtdG9rZW4tdmFsdWU=";
// base64("SK0123456789abcdef0123456789abcdef:" + 32 x)
const std::string kBasicKey =
    "Basic "
    "U0swMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjp4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eA==";

// A page of numbers in Twilio's shape; next is null when empty.
std::string page(const std::vector<std::string>& numbers, const std::string& next) {
  std::string items;
  for (const auto& n : numbers) {
    if (!items.empty()) items += ",";
    items += R"({"sid":"PN)" + n.substr(1) + R"(","account_sid":")" + kSid +
             R"(","friendly_name":"Line )" + n + R"(","phone_number":")" + n +
             R"(","capabilities":{"voice":true},"status":"in-use"})";
  }
  std::string next_json = next.empty() ? "null" : "\"" + next + "\"";
  return R"({"end":0,"first_page_uri":")" + kList + R"(?PageSize=1000&Page=0",)" +
         R"("incoming_phone_numbers":[)" + items + R"(],"next_page_uri":)" + next_json +
         R"(,"page":0,"page_size":1000,"previous_page_uri":null,"start":0,"uri":")" + kList + "\"}";
}

}  // namespace

TEST_CASE("list_owned asks for 1000 a page and follows next_page_uri to the end") {
  auto t = std::make_shared<ScriptedTransport>();
  const std::string p1 = kList + "?PageSize=1000&Page=1&PageToken=PT1000";
  const std::string p2 = kList + "?PageSize=1000&Page=2&PageToken=PT2000";
  t->answers = {response(200, page({"+15550000001", "+15550000002"}, p1)),
                response(200, page({"+15550000003"}, p2)),
                response(200, page({"+15550000004"}, ""))};
  auto client = make_twilio_client(t);
  auto r = client->list_owned(auth());
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 4);
  CHECK(r.value()[0].phone_number == "+15550000001");
  CHECK(r.value()[0].friendly_name == "Line +15550000001");
  CHECK(r.value()[0].sid == "PN15550000001");
  CHECK(r.value()[3].phone_number == "+15550000004");
  REQUIRE(t->requests.size() == 3);
  CHECK(t->requests[0].method == "GET");
  CHECK(t->requests[0].target == kList + "?PageSize=1000");
  CHECK(t->requests[1].target == p1);
  CHECK(t->requests[2].target == p2);
  for (const auto& req : t->requests) CHECK(header(req, "Authorization") == kBasicMain);
}

TEST_CASE("the first page asks the transport to ready memory for the numbers the mapping gives") {
  auto t = std::make_shared<ScriptedTransport>();
  const std::string p1 = kList + "?PageSize=1000&Page=1&PageToken=PT1000";
  t->answers = {response(200, page({"+15550000001"}, p1)), response(200, page({}, ""))};
  TwilioAuth a = auth();
  a.mapped = 3;
  REQUIRE(make_twilio_client(t)->list_owned(a).ok());
  REQUIRE(t->requests.size() == 2);
  CHECK(t->requests[0].expect_bytes == 3 * 2560);
  CHECK(t->requests[1].expect_bytes == 0);  // the first page's memory serves the next
  a.mapped = 250000;  // a page holds 1,000 at most
  t->answers = {response(200, page({}, ""))};
  REQUIRE(make_twilio_client(t)->list_owned(a).ok());
  CHECK(t->requests.back().expect_bytes == 1000 * 2560);
}

TEST_CASE("a list given up in flight asks for no further page, one given up before for none") {
  // The prefetch's list (issue 23): once not needed, it costs the page already asked for.
  struct GiveUpAfterOne final : Transport {
    ScriptedTransport pages;
    std::atomic<bool>* abandon = nullptr;
    Result<HttpResponse> send(const HttpRequest& r) override {
      *abandon = true;  // the plan decided, while this page was on its way, that it needs none
      return pages.send(r);
    }
    std::string base_url() const override { return "http://fake"; }
  };
  std::atomic<bool> abandon{false};
  auto t = std::make_shared<GiveUpAfterOne>();
  t->abandon = &abandon;
  t->pages.answers = {response(200, page({"+15550000001"}, kList + "?PageSize=1000&Page=1")),
                      response(200, page({"+15550000002"}, ""))};
  auto client = make_twilio_client(t);
  auto r = client->list_owned(auth(), abandon);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transient);
  CHECK(r.error().message.find("given up") != std::string::npos);
  CHECK(t->pages.requests.size() == 1);
  auto again = client->list_owned(auth(), abandon);
  REQUIRE_FALSE(again.ok());
  CHECK(t->pages.requests.size() == 1);
}

TEST_CASE("a missing next_page_uri ends the list like a null one") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, R"({"incoming_phone_numbers":[{"phone_number":"+15550000001"}]})")};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE(r.ok());
  CHECK(r.value().size() == 1);
  CHECK(t->requests.size() == 1);
}

TEST_CASE("an absolute next_page_uri is followed on the configured host only") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, page({"+15550000001"}, "https://evil.example" + kList + "?Page=1")),
                response(200, page({}, ""))};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE(r.ok());
  REQUIRE(t->requests.size() == 2);
  CHECK(t->requests[1].target == kList + "?Page=1");
}

TEST_CASE("a next_page_uri that leads elsewhere is not followed") {
  for (std::string next :
       std::vector<std::string>{"/2010-04-01/Accounts/" + kSid + "/Calls.json?Page=1",
                                "/2010-04-01/Accounts/ACother/IncomingPhoneNumbers.json?Page=1",
                                "not a uri at all", "mailto:x@example.com"}) {
    auto t = std::make_shared<ScriptedTransport>();
    t->answers = {response(200, page({"+15550000001"}, next))};
    auto r = make_twilio_client(t)->list_owned(auth());
    REQUIRE_FALSE(r.ok());
    CHECK(t->requests.size() == 1);
    CHECK(r.error().message.find("is not a page of the same list") != std::string::npos);
  }
}

TEST_CASE("a next_page_uri that repeats a page stops with an error instead of looping") {
  auto t = std::make_shared<ScriptedTransport>();
  const std::string same = kList + "?PageSize=1000&Page=0";
  for (int i = 0; i < 5; ++i) t->answers.push_back(response(200, page({"+15550000001"}, same)));
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(t->requests.size() == 2);
  CHECK(r.error().message.find("next_page_uri repeats an earlier page") != std::string::npos);
  CHECK(r.error().message.find("Twilio account 'main' (" + kSid + ")") == 0);
}

TEST_CASE("numbers are compared exactly: a partial match is not ownership") {
  // Twilio's PhoneNumber filter matches partially; the client lists everything and keeps the
  // numbers verbatim, so +155500000010 is not mistaken for +15550000001.
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, page({"+155500000010", "+15550000001 ", "15550000001"}, ""))};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE(r.ok());
  std::set<std::string> owned;
  for (const auto& n : r.value()) owned.insert(n.phone_number);
  CHECK_FALSE(owned.count("+15550000001"));
  CHECK(owned.count("+155500000010"));
  CHECK(t->requests[0].target.find("PhoneNumber=") == std::string::npos);
}

TEST_CASE("401 names the account by mapping name and SID and the variable, never the token") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(
      401,
      R"({"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401})",
      {{"www-authenticate", "Basic realm=\"Twilio API\""}})};
  auto r = make_twilio_client(t)->list_owned(auth("wrong-token-abc"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Auth);
  CHECK(r.error().status == 401);
  CHECK(r.error().message == "Twilio account 'main' (" + kSid +
                                 "): 401 Authenticate (code 20003): check TWILIO_MAIN_AUTH_TOKEN");
  CHECK(r.error().message.find("wrong-token-abc") == std::string::npos);
}

TEST_CASE("an API key authenticates as the key SID and a 401 names the key") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(401, R"({"code":20003,"message":"Authenticate","status":401})")};
  const std::string key = "SK0123456789abcdef0123456789abcdef";
  TwilioAuth a{"sub", kSid, key, Secret(std::string(32, 'x')), "TWILIO_SUB_SECRET"};
  auto r = make_twilio_client(t)->list_owned(a);
  REQUIRE_FALSE(r.ok());
  // 34 + 1 + 32 characters: longer than Base64Encoder's default line, yet one header line
  CHECK(header(t->requests[0], "Authorization") == kBasicKey);
  CHECK(r.error().message.find("check TWILIO_SUB_SECRET and the API key " + key) !=
        std::string::npos);
  CHECK(r.error().message.find("Twilio account 'sub'") == 0);
}

TEST_CASE("Twilio's error body is shown with code and more_info, a token echoed back is scrubbed") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(
      400,
      R"J({"code":20001,"message":"PageSize must be at most 1000 (got s3cret-token-value)","more_info":"https://www.twilio.com/docs/errors/20001","status":400})J")};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().message ==
        "Twilio account 'main' (" + kSid + "): GET " + kList +
            "?PageSize=1000: 400 PageSize must be at most 1000 (got ***) (code 20001, "
            "https://www.twilio.com/docs/errors/20001)");
}

TEST_CASE("a non-JSON error body is shown as text, 404 and 5xx keep their kinds") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {HttpResponse{502, "Bad Gateway", {}, "<html>upstream\ndown</html>"}};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transient);
  CHECK(r.error().message.find(": 502 <html>upstream down</html>") != std::string::npos);

  t->answers = {HttpResponse{404, "Not Found", {}, ""}};
  r = make_twilio_client(t)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::NotFound);
  CHECK(r.error().message.find(": 404 Not Found") != std::string::npos);
}

TEST_CASE("an answer that is not a list page is an error naming the account") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, R"({"numbers":[]})")};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("no incoming_phone_numbers array") != std::string::npos);
  t->answers = {response(200, R"({"incoming_phone_numbers":[{"friendly_name":"x"}]})")};
  r = make_twilio_client(t)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("item 0 has no phone_number") != std::string::npos);
}

TEST_CASE("a page is read for its three fields only, whatever else its numbers carry") {
  auto t = std::make_shared<ScriptedTransport>();
  // Nested objects and arrays, a decoy phone_number inside one, numbers and nulls around.
  t->answers = {response(200, R"({"page":0,"incoming_phone_numbers":[)"
                              R"({"extra":{"phone_number":"+19999999999","list":[1,2.5,null]},)"
                              R"("phone_number":"+15550001111","friendly_name":"Front","sid":"PN1",)"
                              R"("beta":false,"trunk_sid":null},)"
                              R"({"sid":"PN2","phone_number":"+15550002222","friendly_name":null}],)"
                              R"("next_page_uri":null,"uri":"/x"})")};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 2);
  CHECK(r.value()[0].phone_number == "+15550001111");
  CHECK(r.value()[0].friendly_name == "Front");
  CHECK(r.value()[0].sid == "PN1");
  CHECK(r.value()[1].phone_number == "+15550002222");
  CHECK(r.value()[1].friendly_name.empty());
  CHECK(r.value()[1].sid == "PN2");
}

TEST_CASE("a page of the wrong shape says what is wrong with it") {
  const std::string good = R"({"incoming_phone_numbers":[{"phone_number":"+15550001111"}]})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"([{"incoming_phone_numbers":[]}])", "expected a JSON object"},
      {R"("incoming_phone_numbers")", "expected a JSON object"},
      {R"({"incoming_phone_numbers":{"phone_number":"+15550001111"}})",
       "no incoming_phone_numbers array"},
      {R"({"incoming_phone_numbers":"+15550001111"})", "no incoming_phone_numbers array"},
      {R"({"incoming_phone_numbers":[{"phone_number":"+15550001111"},"+15550002222"]})",
       "item 1 is not an object"},
      {R"({"incoming_phone_numbers":[{"phone_number":"+15550001111"},[]]})",
       "item 1 is not an object"},
      {R"({"incoming_phone_numbers":[null]})", "item 0 is not an object"},
      // fuzz find: a value inside an array item was taken for a field of a number not made
      {R"({"incoming_phone_numbers":[["sid","PN1"]]})", "item 0 is not an object"},
      {R"({"incoming_phone_numbers":[{"phone_number":"+15550001111"},["sid":0]})",
       "unexpected answer"},  // the handler sees ["sid" before the parser refuses the colon
      {R"({"incoming_phone_numbers":[{"phone_number":"+15550001111"},{"sid":"PN2"}]})",
       "item 1 has no phone_number"},
      {R"({"incoming_phone_numbers":[{"phone_number":"+15550001111"})", "unexpected answer"},
      // not JSON to its last byte, however it goes wrong: a NUL ends a C string, not the
      // answer (what follows it is not ignored); nested a million deep, no stack overflow
      {good + std::string(1, '\0') + R"({"incoming_phone_numbers":[]})", "NUL byte"},
      {good + " x", "not JSON"},
      {R"({"incoming_phone_numbers":[{"phone_number":"+1555)" "\xff\xfe" R"("}]})", "not JSON"},
      {std::string(1000000, '['), "not JSON"},
      {R"({"incoming_phone_numbers":[{"phone_number":"+15550001111",}]})", "not JSON"},
      {R"({"incoming_phone_numbers":[{"phone_number":NaN}]})", "not JSON"},
      {"", "not JSON"},
  };
  for (const auto& [body, problem] : cases) {
    CAPTURE(body.substr(0, 80));
    auto t = std::make_shared<ScriptedTransport>();
    t->answers = {response(200, body)};
    auto r = make_twilio_client(t)->list_owned(auth());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Invalid);
    CHECK(r.error().message.find(problem) != std::string::npos);
  }
}

TEST_CASE("a routing field that is a number or a boolean is kept as written") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, R"({"incoming_phone_numbers":[{"phone_number":"+15550001111",)"
                              R"("voice_url":12.50,"voice_method":true,"sid":"PN1"}]})")};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 1);
  CHECK(r.value()[0].routing.voice_url == "12.50");
  CHECK(r.value()[0].routing.voice_method == "true");
  CHECK(r.value()[0].routing.sid == "PN1");
}

TEST_CASE("a next_page_uri quoting the token is refused without quoting it (fuzz find)") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, page({"+15551234567"},
                                   "/2010-04-01/Accounts/ACs3cret-token-value/Other.json"))};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("is not a page of the same list") != std::string::npos);
  CHECK(r.error().message.find("s3cret-token-value") == std::string::npos);
  CHECK(r.error().message.find("***") != std::string::npos);
}

TEST_CASE("a connection failure names the account and keeps its kind") {
  auto t = std::make_shared<ScriptedTransport>();
  ApiError down;
  down.kind = ErrorKind::Transient;
  down.message = "GET " + kList + "?PageSize=1000: connection refused by 127.0.0.1:9";
  t->answers = {down};
  auto r = make_twilio_client(t)->list_owned(auth());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Transient);
  CHECK(r.error().message == "Twilio account 'main' (" + kSid + "): " + down.message);
}

TEST_CASE("429 (code 20429) is retried with backoff through the retrying transport") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(429, R"({"code":20429,"message":"Too Many Requests","status":429})"),
                response(429, R"({"code":20429,"message":"Too Many Requests","status":429})",
                         {{"retry-after", "2"}}),
                response(200, page({"+15550000001"}, ""))};
  xs::test::FakeClock clock;
  auto retrying = std::make_shared<RetryingTransport>(t, RetryPolicy{}, clock, [] { return 0.5; });
  auto r = make_twilio_client(retrying)->list_owned(auth());
  REQUIRE(r.ok());
  CHECK(r.value().size() == 1);
  CHECK(t->requests.size() == 3);
  REQUIRE(clock.sleeps.size() == 2);
  CHECK(clock.sleeps[1] >= 2);
}

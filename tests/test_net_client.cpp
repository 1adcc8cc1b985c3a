// The XUNA client over a scripted transport: request shapes, tolerant reading, error messages.
#include <catch2/catch.hpp>

#include "fakes.h"
#include "xuna/http_client.h"

using namespace xs;
using xs::test::response;
using xs::test::ScriptedTransport;

namespace {

std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

}  // namespace

TEST_CASE("list reads agent_id or assigned_agent, ignores unknown fields, any order") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, R"([
    {"label":"A","extra":{"x":1},"phone_number":"+15550000001","phone_number_id":"pn_1","agent_id":"agent_a"},
    {"phone_number_id":"pn_2","phone_number":"+15550000002","label":"B","agent_id":null},
    {"phone_number_id":"pn_3","phone_number":"+15550000003","label":"C","assigned_agent":{"agent_id":"agent_c","agent_name":"C"}},
    {"phone_number_id":98765,"phone_number":"+15550000004","label":"D"}])")};
  auto client = make_xuna_client(t, Secret("key-123"));
  auto r = client->list_numbers();
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 4);
  CHECK(r.value()[0].agent_id == std::optional<std::string>("agent_a"));
  CHECK_FALSE(r.value()[1].agent_id.has_value());
  CHECK(r.value()[2].agent_id == std::optional<std::string>("agent_c"));
  CHECK(r.value()[3].phone_number_id == "98765");  // a numeric id is read as its text
  REQUIRE(t->requests.size() == 1);
  CHECK(t->requests[0].method == "GET");
  CHECK(t->requests[0].target == "/v1/convai/phone-numbers");
  CHECK(header(t->requests[0], "xi-api-key") == "key-123");
}

TEST_CASE("list reads the answer wrapped in an object, nested fields and repeated keys") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, R"({"next":null,"phone_numbers":[
    {"phone_number_id":"pn_1","phone_number":"+15550000001","label":"A",
     "extra":{"agent_id":"agent_nested","phone_numbers":[1,2],"assigned_agent":{"agent_id":"z"}},
     "tags":[{"agent_id":"no"}],"agent_id":"agent_a","agent_id":null},
    {"phone_number_id":"pn_2","phone_number":"+15550000002","label":1.5,"agent_id":"agent_b",
     "assigned_agent":{"agent_id":"agent_ignored"}},
    {"phone_number_id":"pn_3","phone_number":"+15550000003","label":true,
     "assigned_agent":{"meta":{"agent_id":"deep"},"agent_id":"agent_c"}}],"total":3})")};
  auto client = make_xuna_client(t, Secret("k"));
  auto r = client->list_numbers();
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 3);
  CHECK_FALSE(r.value()[0].agent_id.has_value());  // the last agent_id (null) counts
  CHECK(r.value()[0].label == "A");
  CHECK(r.value()[1].label == "1.5");
  CHECK(r.value()[1].agent_id == std::optional<std::string>("agent_b"));
  CHECK(r.value()[2].label == "true");
  CHECK(r.value()[2].agent_id == std::optional<std::string>("agent_c"));
}

TEST_CASE("list says which item is wrong, and what the answer should have been") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"([{"phone_number_id":"a","phone_number":"+1"}, 5])", "item 1 is not an object"},
      {R"([{"phone_number_id":"a","phone_number":"+1"}, null])", "item 1 is not an object"},
      {R"([[{"phone_number_id":"a","phone_number":"+1"}]])", "item 0 is not an object"},
      {R"([{"phone_number_id":"a","phone_number":"+1"},{"phone_number":"+2"}])",
       "item 1 lacks phone_number_id or phone_number"},
      {R"({"phone_numbers":{"phone_number_id":"a"}})", "expected a JSON array"},
      {R"({"phone_numbers":[],"phone_numbers":null})", "expected a JSON array"},
      {R"("text")", "expected a JSON array"},
      {R"([{"phone_number_id":"a","phone_number":"+1"})", ""},  // unterminated: Poco's words
  };
  for (const auto& [body, why] : cases) {
    CAPTURE(body);
    auto t = std::make_shared<ScriptedTransport>();
    t->answers = {response(200, body)};
    auto r = make_xuna_client(t, Secret("key-123"))->list_numbers();
    REQUIRE_FALSE(r.ok());
    CAPTURE(r.error().message);
    CHECK(r.error().message.find("unexpected answer from the server: " + why) !=
          std::string::npos);
  }
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, R"({"phone_numbers":[{"phone_number_id":"a","phone_number":"+1"}],
                                  "phone_numbers":[{"phone_number_id":"b","phone_number":"+2"}]})"),
                response(200, R"([{"phone_numbers":1,"phone_number_id":"a","phone_number":"+1"}])")};
  auto client = make_xuna_client(t, Secret("k"));
  auto r = client->list_numbers();  // the last list counts
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 1);
  CHECK(r.value()[0].phone_number_id == "b");
  r = client->list_numbers();
  REQUIRE(r.ok());
  CHECK(r.value().size() == 1);
}

TEST_CASE("import sends the documented body and the idempotency key") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, R"({"phone_number_id":"pn_new","other":true})")};
  auto client = make_xuna_client(t, Secret("k"));
  auto r = client->import_number({"Support", "+15551234567", "ACx", Secret("tok")}, "xs-key1");
  REQUIRE(r.ok());
  CHECK(r.value() == "pn_new");
  CHECK(t->requests[0].method == "POST");
  CHECK(t->requests[0].body ==
        R"({"label":"Support","phone_number":"+15551234567","twilio_account_sid":"ACx","twilio_auth_token":"tok"})");
  CHECK(header(t->requests[0], "Idempotency-Key") == "xs-key1");
}

TEST_CASE("assign PATCHes the number's id and accepts an empty 2xx body") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(204, "")};
  auto client = make_xuna_client(t, Secret("k"));
  auto r = client->assign_agent("pn/1", "agent_x", "xs-key2");
  REQUIRE(r.ok());
  CHECK(t->requests[0].method == "PATCH");
  CHECK(t->requests[0].target == "/v1/convai/phone-numbers/pn%2F1");
  CHECK(t->requests[0].body == R"({"agent_id":"agent_x"})");
}

TEST_CASE("error bodies become one clear line, whatever their shape") {
  HttpResponse r;
  r.status = 404;
  r.reason = "Not Found";
  r.body = R"({"detail":{"status":"agent_not_found","message":"Agent agent_x does not exist"}})";
  ApiError e = error_from_response("PATCH", "/v1/convai/phone-numbers/pn_1", r);
  CHECK(e.kind == ErrorKind::NotFound);
  CHECK(e.message ==
        "PATCH /v1/convai/phone-numbers/pn_1: 404 Not Found: Agent agent_x does not exist (agent_not_found)");

  r.status = 422;
  r.reason = "Unprocessable Entity";
  r.body = R"({"detail":[{"loc":["body","phone_number"],"msg":"bad number","type":"value_error"},{"loc":["body","label"],"msg":"Field required"}]})";
  e = error_from_response("POST", "/p", r);
  CHECK(e.kind == ErrorKind::Invalid);
  CHECK(e.message == "POST /p: 422 Unprocessable Entity: body.phone_number: bad number; body.label: Field required");

  r.status = 401;
  r.reason = "Unauthorized";
  r.body = R"({"detail":"Invalid API key"})";
  e = error_from_response("GET", "/p", r);
  CHECK(e.kind == ErrorKind::Auth);
  CHECK(e.message == "GET /p: 401 Unauthorized: Invalid API key");

  r.status = 502;
  r.reason = "Bad Gateway";
  r.body = "<html>\nupstream down</html>";
  e = error_from_response("GET", "/p", r);
  CHECK(e.kind == ErrorKind::Transient);
  CHECK(e.maybe_committed);
  CHECK(e.message == "GET /p: 502 Bad Gateway: <html> upstream down</html>");

  r.status = 429;
  r.body = "";
  e = error_from_response("POST", "/p", r);
  CHECK(e.kind == ErrorKind::Transient);
  CHECK_FALSE(e.maybe_committed);
}

TEST_CASE("a Twilio token echoed in an error body is scrubbed") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(400, R"({"detail":"bad token s3cr3t-token-value"})")};
  auto client = make_xuna_client(t, Secret("k"));
  auto r = client->import_number({"L", "+15551234567", "ACx", Secret("s3cr3t-token-value")}, "");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("s3cr3t") == std::string::npos);
  CHECK(r.error().message.find("***") != std::string::npos);
}

TEST_CASE("the API key quoted back in an error body is scrubbed, whatever the call") {
  const std::string key = "xk_live_0123456789abcdef0123456789";
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(401, R"({"detail":{"status":"invalid_api_key","message":"Invalid API key )" +
                                  key + R"("}})"),
                response(403, "key " + key + " may not do this"),
                response(404, R"({"detail":")" + key + R"("})")};
  auto client = make_xuna_client(t, Secret(key));
  auto listed = client->list_numbers();
  auto imported = client->import_number({"L", "+15551234567", "ACx", Secret("tok")}, "");
  auto assigned = client->assign_agent("phnum_1", "agent_1", "");
  for (const ApiError* e : {&listed.error(), &imported.error(), &assigned.error()}) {
    CHECK(e->message.find(key) == std::string::npos);
    CHECK(e->message.find("***") != std::string::npos);
  }
  CHECK(listed.error().kind == ErrorKind::Auth);
}

TEST_CASE("a malformed list answer is an error, not a crash") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, "not json"), response(200, R"({"a":1})"),
                response(200, R"([{"label":"x"}])")};
  auto client = make_xuna_client(t, Secret("k"));
  for (int i = 0; i < 3; ++i) {
    auto r = client->list_numbers();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.rfind("GET /v1/convai/phone-numbers: unexpected answer", 0) == 0);
  }
}

TEST_CASE("a PATCH answered with another number's or agent's record is not believed") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {
      response(200, R"({"phone_number_id":"phnum_zzz","agent_id":"agent_other"})"),
      response(200, R"({"phone_number_id":"pn_1","assigned_agent":{"agent_id":"agent_other"}})"),
      response(200, R"({"phone_number_id":"pn_1","agent_id":"agent_x","label":"L"})"),
      response(200, "OK"), response(204, "")};
  auto client = make_xuna_client(t, Secret("key-123456"));
  auto other_number = client->assign_agent("pn_1", "agent_x", "");
  REQUIRE_FALSE(other_number.ok());
  CHECK(other_number.error().kind == ErrorKind::Invalid);
  CHECK(other_number.error().maybe_committed);
  CHECK(other_number.error().message ==
        "PATCH /v1/convai/phone-numbers/pn_1: the answer names phone_number_id 'phnum_zzz', not "
        "'pn_1' as asked; not believed");
  auto other_agent = client->assign_agent("pn_1", "agent_x", "");
  REQUIRE_FALSE(other_agent.ok());
  CHECK(other_agent.error().message ==
        "PATCH /v1/convai/phone-numbers/pn_1: the answer names agent_id 'agent_other', not "
        "'agent_x' as asked; not believed");
  CHECK(client->assign_agent("pn_1", "agent_x", "").ok());  // the record asked for
  CHECK(client->assign_agent("pn_1", "agent_x", "").ok());  // not JSON: nothing contradicts
  CHECK(client->assign_agent("pn_1", "agent_x", "").ok());  // empty 2xx body
}

TEST_CASE("an import answered about another phone number is not believed") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, R"({"phone_number_id":"pn_9","phone_number":"+19999999999"})"),
                response(200, R"({"phone_number_id":"pn_1","phone_number":"+1 555-123-4567"})")};
  auto client = make_xuna_client(t, Secret("key-123456"));
  auto r = client->import_number({"L", "+15551234567", "ACx", Secret("tok")}, "");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().maybe_committed);
  CHECK(r.error().message ==
        "POST /v1/convai/phone-numbers: the answer names phone_number '+19999999999', not "
        "'+15551234567' as asked; not believed");
  auto same = client->import_number({"L", "+15551234567", "ACx", Secret("tok")}, "");
  REQUIRE(same.ok());  // the same number, written otherwise
  CHECK(same.value() == "pn_1");
}

TEST_CASE("an empty answer says what was expected instead") {
  auto t = std::make_shared<ScriptedTransport>();
  HttpResponse no_content{204, "No Content", {}, ""};
  t->answers = {no_content, no_content, response(200, " \n")};
  auto client = make_xuna_client(t, Secret("key-123456"));
  auto imported = client->import_number({"L", "+15551234567", "ACx", Secret("tok")}, "");
  REQUIRE_FALSE(imported.ok());
  CHECK(imported.error().message ==
        "POST /v1/convai/phone-numbers: unexpected answer from the server: an empty answer (204 "
        "No Content) where a JSON object with the new phone_number_id was expected");
  auto batch = client->submit_batch({"agent_1", "pn_1", {{"+15559876543", std::nullopt}}}, "");
  REQUIRE_FALSE(batch.ok());
  CHECK(batch.error().message.find("where a JSON object with the batch_id was expected") !=
        std::string::npos);
  auto listed = client->list_numbers();
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().message ==
        "GET /v1/convai/phone-numbers: unexpected answer from the server: an empty answer (200) "
        "where a JSON array of numbers was expected");
}

TEST_CASE("a redirect shows where it points and is not followed") {
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {
      HttpResponse{301, "Moved Permanently", {{"location", "https://api.example/v2/"}}, ""},
      HttpResponse{302, "Found", {}, ""}};
  auto client = make_xuna_client(t, Secret("key-123456"));
  auto r = client->list_numbers();
  REQUIRE_FALSE(r.ok());
  CHECK(
      r.error().message ==
      "GET /v1/convai/phone-numbers: 301 Moved Permanently (redirected to https://api.example/v2/; "
      "redirects are not followed: check the URL)");
  CHECK(
      client->list_numbers().error().message ==
      "GET /v1/convai/phone-numbers: 302 Found (redirected; redirects are not followed: check the "
      "URL)");
  CHECK(t->requests.size() == 2);
}

TEST_CASE("a key quoted in a 2xx answer does not reach the message built from it") {
  const std::string key = "xk_live_0123456789abcdef";
  auto t = std::make_shared<ScriptedTransport>();
  t->answers = {response(200, R"({"phone_number_id":"xi-api-key: )" + key + R"("})")};
  auto client = make_xuna_client(t, Secret(key));
  auto r = client->assign_agent("pn_1", "agent_x", "");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find(key) == std::string::npos);
  CHECK(r.error().message.find("***") != std::string::npos);
}

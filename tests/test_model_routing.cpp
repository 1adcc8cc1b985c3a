#include <catch2/catch.hpp>

#include "model/routing.h"
#include "model/vocabulary.h"

using namespace xs;

TEST_CASE("routing: describe names what Twilio obeys first: trunk, then app, then URL") {
  TwilioRouting r;
  CHECK(describe_routing(r) == "nothing");
  r.voice_url = "https://ivr.example.com/voice";
  r.voice_method = "POST";
  CHECK(describe_routing(r) == "https://ivr.example.com/voice (POST)");
  r.voice_application_sid = "AP0123";
  CHECK(describe_routing(r) == "TwiML app AP0123");
  r.trunk_sid = "TK0456";
  CHECK(describe_routing(r) == "SIP trunk TK0456");
}

TEST_CASE("routing: a Studio flow's webhook is named as the flow") {
  TwilioRouting r;
  r.voice_url = "https://webhooks.twilio.com/v1/Accounts/AC1/Flows/FW0123abc?x=1";
  CHECK(describe_routing(r) == "Studio flow FW0123abc");
}

TEST_CASE("routing: a password in a webhook URL is masked wherever it is described") {
  CHECK(mask_url_password("https://user:s3cret@ivr.example.com/voice") ==
        "https://user:***@ivr.example.com/voice");
  CHECK(mask_url_password("https://user@ivr.example.com/a:b@c") ==
        "https://user@ivr.example.com/a:b@c");
  CHECK(mask_url_password("https://ivr.example.com/voice?u=a:b@c") ==
        "https://ivr.example.com/voice?u=a:b@c");
  CHECK(mask_url_password("not a url") == "not a url");
  TwilioRouting r;
  r.voice_url = "https://ops:hunter2@pbx.example.com/in";
  CHECK(describe_routing(r).find("hunter2") == std::string::npos);
}

TEST_CASE("routing: origins compare scheme, host and port, default ports dropped") {
  CHECK(url_origin("https://API.xuna.ai/v1/x") == "https://api.xuna.ai");
  CHECK(url_origin("https://api.xuna.ai:443/v1") == "https://api.xuna.ai");
  CHECK(url_origin("http://127.0.0.1:8080/twilio/inbound_call") == "http://127.0.0.1:8080");
  CHECK(url_origin("http://u:p@127.0.0.1:8080/x") == "http://127.0.0.1:8080");
  CHECK(url_origin("") == "");
  TwilioRouting r;
  r.voice_url = "http://127.0.0.1:8080/twilio/inbound_call";
  CHECK(routes_to(r, "http://127.0.0.1:8080"));
  CHECK_FALSE(routes_to(r, "http://127.0.0.1:8081"));
  r.voice_application_sid = "AP1";
  CHECK_FALSE(routes_to(r, "http://127.0.0.1:8080"));
}

TEST_CASE("routing: same_routing ignores the sid, == does not") {
  TwilioRouting a, b;
  a.sid = "PN1";
  b.sid = "PN2";
  CHECK(same_routing(a, b));
  CHECK(a != b);
  b.voice_receive_mode = "fax";
  CHECK_FALSE(same_routing(a, b));
}

TEST_CASE("vocabulary: every word reads back as itself, anything else as nothing") {
  for (auto k : {ActionKind::Import, ActionKind::Assign, ActionKind::Batch, ActionKind::Rollback,
                 ActionKind::Undo})
    CHECK(parse_action_kind(to_string(k)) == k);
  for (auto o : {Outcome::Pending, Outcome::Ok, Outcome::Failed, Outcome::Skipped,
                 Outcome::Unknown})
    CHECK(parse_outcome(to_string(o)) == o);
  for (auto s : {BatchStatus::Pending, BatchStatus::Sent, BatchStatus::Unknown,
                 BatchStatus::Failed})
    CHECK(parse_batch_status(to_string(s)) == s);
  for (auto r : {RunOutcome::Running, RunOutcome::Ok, RunOutcome::Failed, RunOutcome::Refused,
                 RunOutcome::Cancelled, RunOutcome::Interrupted})
    CHECK(parse_run_outcome(to_string(r)) == r);
  CHECK_FALSE(parse_outcome("OK").has_value());
  CHECK_FALSE(parse_run_outcome("").has_value());
}

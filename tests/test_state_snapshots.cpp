// Routing snapshots and what the planner's view says about them and about history.
#include <catch2/catch.hpp>

#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::ActionKind;
using xs::Outcome;
using xs::state::testing::TestState;

namespace {

const std::string kT0 = "2026-01-01T00:00:00Z";
const std::string kT1 = "2026-01-01T00:00:01Z";
const std::string kT2 = "2026-01-01T00:00:02Z";

xs::TwilioRouting routing(const std::string& url) {
  xs::TwilioRouting r;
  r.sid = "PN0001";
  r.voice_url = url;
  r.voice_method = "POST";
  r.voice_fallback_url = "https://fallback.example/f";
  r.voice_fallback_method = "GET";
  r.status_callback = "https://status.example/s";
  r.status_callback_method = "POST";
  r.voice_application_sid = "";
  r.trunk_sid = "TK0001";
  r.voice_receive_mode = "voice";
  return r;
}

ActionIntent import_with_snapshot(const std::string& number, const std::string& url, bool replace) {
  ActionIntent i;
  i.kind = ActionKind::Import;
  i.phone_number = number;
  i.detail = "import " + number;
  i.idempotency_key = "key-" + number;
  RoutingSnapshot s;
  s.phone_number = number;
  s.twilio_account = "main";
  s.account_sid = "AC0001";
  s.before = routing(url);
  i.snapshot = s;
  i.replace_snapshot = replace;
  return i;
}

}  // namespace

TEST_CASE("a snapshot is written with its intent and kept unless replaced", "[conformance]") {
  TestState st;
  auto s = st.open();
  const auto t = s->target("https://api.xuna.ai", "fp");
  const auto run = s->begin_run(t, "apply", kT0);
  // A password in a webhook URL is kept as it is: a rollback must restore it.
  const std::string url = "https://user:s3cret@ivr.example/voice?x=1";
  s->record_intent(run, import_with_snapshot("+15550000001", url, false), kT0);

  auto snaps = s->snapshots(t);
  REQUIRE(snaps.size() == 1);
  CHECK(snaps[0].phone_number == "+15550000001");
  CHECK(snaps[0].twilio_account == "main");
  CHECK(snaps[0].account_sid == "AC0001");
  CHECK(snaps[0].before == routing(url));
  CHECK(snaps[0].before.sid == "PN0001");
  CHECK_FALSE(snaps[0].after);
  CHECK_FALSE(snaps[0].rolled_back);
  CHECK(snaps[0].taken_at == kT0);

  s->record_intent(run, import_with_snapshot("+15550000001", "https://other.example/", false), kT1);
  CHECK(s->snapshots(t)[0].before.voice_url == url);  // not replaced
  s->record_intent(run, import_with_snapshot("+15550000001", "https://other.example/", true), kT1);
  CHECK(s->snapshots(t)[0].before.voice_url == "https://other.example/");
  CHECK(s->snapshots(t)[0].taken_at == kT1);
  CHECK(s->actions_of(run).size() == 3);
  CHECK(s->snapshots(s->target("https://other.example", "fp")).empty());
}

TEST_CASE("after, rollback and undo are recorded on the snapshot and shown in the view",
          "[conformance]") {
  TestState st;
  auto s = st.open();
  const auto t = s->target("https://api.xuna.ai", "fp");
  CHECK_FALSE(s->view(t).has_history);
  const auto run = s->begin_run(t, "apply", kT0);
  CHECK(s->view(t).has_history);
  s->record_intent(run, import_with_snapshot("+15550000001", "https://ivr.example/v", false), kT0);
  s->record_intent(run, import_with_snapshot("+15550000002", "https://ivr.example/w", false), kT0);

  xs::TwilioRouting xuna = routing("https://api.xuna.ai/twilio/inbound");
  xuna.trunk_sid.clear();
  s->record_routing_after(t, "+15550000001", xuna, kT1);
  auto snap = s->snapshots(t)[0];
  REQUIRE(snap.after);
  CHECK(*snap.after == xuna);
  CHECK(snap.after_at == kT1);

  s->mark_rolled_back(t, "+15550000001", true, kT2);
  auto v = s->view(t);
  CHECK(v.snapshotted == std::set<std::string>{"+15550000001", "+15550000002"});
  CHECK(v.rolled_back == std::set<std::string>{"+15550000001"});
  CHECK(s->snapshots(t)[0].rolled_back_at == kT2);

  s->mark_rolled_back(t, "+15550000001", false, kT2);  // an undo
  CHECK(s->view(t).rolled_back.empty());
  s->mark_rolled_back(t, "+15550000002", true, kT2);
  s->record_routing_after(t, "+15550000002", xuna, kT2);  // seen at XUNA again: not rolled back
  CHECK(s->view(t).rolled_back.empty());

  CHECK_THROWS_AS(s->record_routing_after(t, "+15559999999", xuna, kT1), StateError);

  // Many at once (the cut-over check): each set; one without a snapshot names it, writes none.
  s->record_intent(run, import_with_snapshot("+15550000003", "https://ivr.example/x", false), kT0);
  xs::TwilioRouting again = xuna;
  again.voice_url = "https://api.xuna.ai/twilio/inbound?again=1";
  s->record_routings_after(t, {{"+15550000002", again}, {"+15550000003", again}}, kT2);
  for (const auto& snap : s->snapshots(t))
    if (snap.phone_number != "+15550000001") CHECK(snap.after->voice_url == again.voice_url);
  try {
    s->record_routings_after(t, {{"+15550000001", again}, {"+15559999999", again}}, kT2);
    FAIL("no error");
  } catch (const StateError& e) {
    CHECK_THAT(e.what(), Catch::Contains("+15559999999"));
  }
  CHECK(s->snapshots(t)[0].after->voice_url == xuna.voice_url);  // none written
  CHECK_THROWS_AS(s->mark_rolled_back(t, "+15559999999", true, kT1), StateError);
}

TEST_CASE("has_history is set by a run or by a journal entry of that target only",
          "[conformance]") {
  TestState st;
  auto s = st.open();
  const auto a = s->target("https://a.example", "fp");
  const auto b = s->target("https://b.example", "fp");
  s->mark_managed_many(b, {{"+15550000001", "pn", "", ""}}, kT0);
  CHECK_FALSE(s->view(b).has_history);  // a managed number is no run
  s->begin_run(a, "plan", kT0);
  CHECK(s->view(a).has_history);
  CHECK_FALSE(s->view(b).has_history);
}

TEST_CASE("find_target finds without creating", "[conformance]") {
  TestState st;
  auto s = st.open();
  CHECK_FALSE(s->find_target("https://api.xuna.ai", "fp"));
  CHECK(s->targets().empty());
  const auto t = s->target("https://api.xuna.ai", "fp");
  CHECK(s->find_target("https://api.xuna.ai", "fp") == t);
  CHECK_FALSE(s->find_target("https://api.xuna.ai", "other"));
}

TEST_CASE("a state opened read-only reads and refuses to write", "[conformance]") {
  TestState st;
  {
    auto s = st.open();
    const auto t = s->target("https://api.xuna.ai", "fp");
    s->begin_run(t, "apply", kT0);
  }
  auto ro = st.open(OpenMode::ReadOnly);
  const auto t = ro->find_target("https://api.xuna.ai", "fp");
  REQUIRE(t);
  CHECK(ro->view(*t).has_history);
  CHECK(ro->runs(0, 0).size() == 1);
  CHECK_THROWS_WITH(ro->begin_run(*t, "apply", kT1), Catch::Contains("read-only"));
  CHECK_THROWS_AS(ro->target("https://new.example", "fp"), StateError);
}

TEST_CASE("the probation fallback is recorded on the snapshot, whole", "[conformance]") {
  TestState st;
  auto s = st.open();
  const auto t = s->target("https://api.xuna.ai", "fp");
  const auto run = s->begin_run(t, "apply", kT0);
  s->record_intent(run, import_with_snapshot("+15550000001", "https://ivr.example/v", false), kT0);
  s->record_intent(run, import_with_snapshot("+15550000002", "https://ivr.example/w", false), kT0);
  using State = xs::ProbationFallback::State;
  CHECK(s->snapshots(t)[0].fallback == xs::ProbationFallback{});  // a new cut-over: undecided

  xs::ProbationFallback f;
  f.state = State::Setting;
  f.url = "https://user:s3cret@ivr.example/v";  // kept whole, like the snapshot's
  f.method = "GET";
  f.until = "2026-01-15T00:00:00Z";
  f.changed_at = kT1;
  s->record_fallback(t, "+15550000001", f);
  auto snaps = s->snapshots(t);
  CHECK(snaps[0].fallback == f);
  CHECK(snaps[1].fallback == xs::ProbationFallback{});
  CHECK(snaps[0].before == routing("https://ivr.example/v"));  // the rest as it was

  for (State state : {State::Set, State::Cleared, State::Untouched}) {
    f.state = state;
    f.changed_at = kT2;
    s->record_fallback(t, "+15550000001", f);
    CHECK(s->snapshots(t)[0].fallback == f);
  }
  f.until.clear();  // kept for good
  s->record_fallback(t, "+15550000001", f);
  CHECK(s->snapshots(t)[0].fallback.until.empty());

  // A snapshot taken again (a new cut-over) starts undecided.
  s->record_intent(run, import_with_snapshot("+15550000001", "https://ivr.example/v2", true), kT2);
  CHECK(s->snapshots(t)[0].fallback == xs::ProbationFallback{});
  CHECK_THROWS_AS(s->record_fallback(t, "+15559999999", f), StateError);
  CHECK_THROWS_WITH(st.open(OpenMode::ReadOnly)->record_fallback(t, "+15550000001", f),
                    Catch::Contains("read-only"));
}

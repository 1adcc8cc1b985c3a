// gather against FakeXuna and FakeTwilio: when Twilio is asked (the prefetch, the preflight,
// the drift check), and what an account that cannot import turns into.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>

#include "sync/gather.h"
#include "sync/ownership.h"
#include "sync_world.h"

using namespace xs;
using namespace xs::test;

namespace {

const std::string kA = "+15551230001", kB = "+15551230002";

sync::Planned gather_with(SyncWorld& w, Desired d, const StateView& view,
                          bool check_routing = false) {
  sync::GatherOptions o;
  o.plan.xuna_origin = kXunaOrigin;
  o.check_routing = check_routing;
  return sync::gather(std::move(d), w.xuna, w.source, view, w.target, o, w.clock);
}

// As apply gathers on a first run: no state, the early list asked for all the same.
sync::Planned first_apply_gather(SyncWorld& w, Desired d) {
  sync::GatherOptions o;
  o.plan.xuna_origin = kXunaOrigin;
  o.early_list_without_history = true;
  return sync::gather(std::move(d), w.xuna, w.source, StateView{}, w.target, o, w.clock);
}

bool has_warning(const Plan& p, const std::string& kind, const std::string& number) {
  for (const auto& w : p.warnings)
    if (w.kind == kind && w.phone_number == number) return true;
  return false;
}

}  // namespace

TEST_CASE("gather: no Twilio call when nothing is imported and the state has no history") {
  SyncWorld w;
  w.twilio.add(kMainSid, kA);
  w.xuna.add("pn_a", kA, "A");
  auto p = gather_with(w, SyncWorld::desired({SyncWorld::number(kA, "A")}), {});
  CHECK_FALSE(p.plan.has_changes());
  CHECK(w.twilio.calls().empty());
  CHECK(w.source.once_requests == 0);
}

TEST_CASE("gather: apply starts the early list without a history too, and asks once") {
  // Issue 23: a first apply waited for the list after XUNA's, a third of its fixed cost. Not
  // needed after all, it is given up before its next page (test_net_twilio); never asked again.
  SyncWorld w;
  w.twilio.add(kMainSid, kA);
  w.twilio.add(kMainSid, kB);
  w.xuna.add("pn_a", kA, "A");
  SECTION("something to import: the early list is used") {
    auto p = first_apply_gather(
        w, SyncWorld::desired({SyncWorld::number(kA, "A"), SyncWorld::number(kB, "B")}));
    CHECK(p.plan.summary.imports == 1);
    CHECK(w.source.once_requests == 1);
    CHECK(w.twilio.count("list", kMainSid) == 1);
    REQUIRE(p.plan.actions.at(0).routing_before.has_value());
  }
  SECTION("nothing to import: asked once, no error") {
    auto p = first_apply_gather(w, SyncWorld::desired({SyncWorld::number(kA, "A")}));
    CHECK_FALSE(p.plan.has_changes());
    CHECK(p.plan.errors.empty());
    CHECK(w.twilio.count("list", kMainSid) <= 1);
  }
}

TEST_CASE("gather: no Twilio call when the state knows every mapped number as managed") {
  SyncWorld w;
  w.twilio.add(kMainSid, kA);
  w.xuna.add("pn_a", kA, "A");
  StateView view;
  view.has_history = true;
  view.managed_numbers = {kA};
  auto p = gather_with(w, SyncWorld::desired({SyncWorld::number(kA, "A")}), view);
  CHECK_FALSE(p.plan.has_changes());
  CHECK(w.twilio.calls().empty());
  CHECK(w.source.once_requests == 0);
}

TEST_CASE("gather: the early list starts only when the state has a history of managed numbers") {
  SyncWorld w;
  w.twilio.add(kMainSid, kA);
  w.twilio.add(kMainSid, kB);
  w.xuna.add("pn_a", kA, "A");
  Desired d = SyncWorld::desired({SyncWorld::number(kA, "A"), SyncWorld::number(kB, "B")});

  SECTION("no history: one list, after XUNA's, for the import") {
    auto p = gather_with(w, d, {});
    CHECK(p.plan.summary.imports == 1);
    CHECK(w.source.once_requests == 0);
    CHECK(w.twilio.count("list", kMainSid) == 1);
  }
  SECTION("a history: the list is started early, and used by the preflight") {
    StateView view;
    view.has_history = true;
    view.managed_numbers = {kA};
    auto p = gather_with(w, d, view);
    CHECK(p.plan.summary.imports == 1);
    CHECK(w.source.once_requests == 1);
    CHECK(w.twilio.count("list", kMainSid) == 1);  // not asked twice
    REQUIRE(p.plan.actions.at(0).routing_before.has_value());
    CHECK(p.plan.actions[0].routing_before->voice_url == kIvr);
  }
}

TEST_CASE("gather: an account signed in with an API key gives plan errors, no Twilio call") {
  SyncWorld w;
  w.twilio.add(kMainSid, kA);
  Desired d = SyncWorld::desired({SyncWorld::number(kA, "A"), SyncWorld::number(kB, "B")});
  d.twilio_accounts["main"].api_key_sid = "SK0123456789abcdef0123456789abcdef";
  StateView view;
  SECTION("no history") {}
  SECTION("a history") {
    view.has_history = true;
    view.managed_numbers = {"+15550000000"};
  }
  auto p = gather_with(w, d, view);
  CHECK_FALSE(p.plan.has_changes());
  REQUIRE(p.plan.errors.size() == 2);
  for (const auto& e : p.plan.errors)
    CHECK_THAT(e.message, Catch::Contains("signs in with API key"));
  CHECK(w.twilio.calls().empty());
  CHECK(p.credentials.empty());
}

TEST_CASE("gather: an account Twilio answers with 401 turns its imports into plan errors") {
  SyncWorld w;
  w.twilio.add(kMainSid, kA);
  w.twilio.list_faults[kMainSid] = FakeTwilio::Fault::Unauthorized;
  auto p = gather_with(w, SyncWorld::desired({SyncWorld::number(kA, "A")}), {});
  CHECK_FALSE(p.plan.has_changes());
  REQUIRE(p.plan.errors.size() == 1);
  CHECK_THAT(p.plan.errors[0].message, Catch::Contains("not checked with Twilio"));
  CHECK_THAT(p.plan.errors[0].message, Catch::Contains("401"));
  CHECK(p.plan.errors[0].message.find("tok_main") == std::string::npos);
}

TEST_CASE("gather: routing drift is checked for snapshotted numbers only, one list per account") {
  SyncWorld w;
  w.twilio.add(kMainSid, kA);  // both at the IVR, not XUNA
  w.twilio.add(kMainSid, kB);
  w.xuna.add("pn_a", kA, "A");
  w.xuna.add("pn_b", kB, "B");
  Desired d = SyncWorld::desired({SyncWorld::number(kA, "A"), SyncWorld::number(kB, "B")});
  StateView view;
  view.has_history = true;
  view.managed_numbers = {kA, kB};
  view.snapshotted = {kA};

  SECTION("plan checks") {
    auto p = gather_with(w, d, view, /*check_routing=*/true);
    CHECK(has_warning(p.plan, "routing_drift", kA));
    CHECK_FALSE(has_warning(p.plan, "routing_drift", kB));
    CHECK(w.twilio.count("list", kMainSid) == 1);
    CHECK(w.twilio.count("get") == 0);
  }
  SECTION("apply does not") {
    auto p = gather_with(w, d, view, /*check_routing=*/false);
    CHECK_FALSE(has_warning(p.plan, "routing_drift", kA));
    CHECK(w.twilio.calls().empty());
  }
  SECTION("a number routed to XUNA has no drift") {
    w.twilio.repoint_at_xuna(kA);
    auto p = gather_with(w, d, view, true);
    CHECK_FALSE(has_warning(p.plan, "routing_drift", kA));
  }
  SECTION("a rolled-back number is shown as such, not as drift") {
    view.rolled_back = {kA};
    auto p = gather_with(w, d, view, true);
    CHECK(has_warning(p.plan, "rolled_back", kA));
    CHECK_FALSE(has_warning(p.plan, "routing_drift", kA));
  }
  SECTION("a Twilio outage does not hold the plan up") {
    w.twilio.list_faults[kMainSid] = FakeTwilio::Fault::Transient;
    auto p = gather_with(w, d, view, true);
    CHECK(p.plan.errors.empty());
    CHECK_FALSE(has_warning(p.plan, "routing_drift", kA));
  }
}

TEST_CASE("gather: numbers XUNA lists in another form are compared as E.164, unreadable ones are errors") {
  SyncWorld w;
  w.twilio.add(kMainSid, kA);
  w.twilio.add(kMainSid, kB);
  w.xuna.add("pn_a", "+1 555-123-0001", "A");  // kA, as a server may write it
  w.xuna.add("pn_x", "call +1555123000two", "X");  // no number at all, holding kB's digits
  sync::GatherOptions o;
  o.plan.xuna_origin = kXunaOrigin;
  // A stand-in for the mapping room's libphonenumber reader: drops spaces and dashes.
  o.normalize_number = [](const std::string& text, std::string& why) -> std::optional<std::string> {
    std::string out;
    for (char c : text)
      if (c != ' ' && c != '-') out += c;
    if (out.find_first_not_of("+0123456789") != std::string::npos) {
      why = "not a phone number";
      return std::nullopt;
    }
    return out;
  };
  Desired d = SyncWorld::desired({SyncWorld::number(kA, "A"), SyncWorld::number(kB, "B")});
  auto p = sync::gather(std::move(d), w.xuna, w.source, {}, w.target, o, w.clock);
  CHECK(p.plan.summary.unchanged == 1);  // kA: in XUNA, not "missing, import it"
  CHECK(p.plan.summary.unmanaged == 0);
  CHECK(p.plan.summary.imports == 1);    // kB: nothing says it is in XUNA
  REQUIRE(p.plan.errors.size() == 1);
  CHECK(p.plan.errors[0].message.find("'call +1555123000two' (pn_x)") != std::string::npos);
  CHECK(p.plan.errors[0].message.find("not a phone number") != std::string::npos);

  SECTION("an unreadable entry holding a mapped number's digits holds its import back") {
    w.xuna.add("pn_y", "+1 (555) 123-0002 ext. 9", "Y");
    Desired again = SyncWorld::desired({SyncWorld::number(kA, "A"), SyncWorld::number(kB, "B")});
    auto q = sync::gather(std::move(again), w.xuna, w.source, {}, w.target, o, w.clock);
    CHECK(q.plan.summary.imports == 0);
    CHECK_FALSE(q.plan.has_changes());
    bool named = false;
    for (const auto& e : q.plan.errors) named = named || (e.phone_number == kB);
    CHECK(named);
  }
}

TEST_CASE("gather: while_listing runs on the caller's thread while XUNA's list is on its way") {
  // The list is held back until while_listing has run: a gather that waited for the list
  // first would see it time out (bounded, 10 s) instead.
  SyncWorld w;
  w.xuna.add("pn_a", kA, "A");
  std::promise<void> ran;
  std::future<void> ran_done = ran.get_future();
  bool list_waited_in_vain = false;
  w.xuna.on_list = [&] {
    list_waited_in_vain = ran_done.wait_for(std::chrono::seconds(10)) != std::future_status::ready;
  };
  const auto caller = std::this_thread::get_id();
  std::thread::id ran_on;
  sync::GatherOptions o;
  o.plan.xuna_origin = kXunaOrigin;
  o.while_listing = [&] {
    ran_on = std::this_thread::get_id();
    ran.set_value();
  };
  auto p = sync::gather(SyncWorld::desired({SyncWorld::number(kA, "A")}), w.xuna, w.source,
                        StateView{}, w.target, o, w.clock);
  CHECK_FALSE(list_waited_in_vain);
  CHECK(ran_on == caller);
  CHECK(w.xuna.count("list") == 1);  // still one list call
  CHECK(p.live.size() == 1);
  CHECK_FALSE(p.plan.has_changes());
}

TEST_CASE("list_auths: each account asked for, with how many numbers the mapping gives it") {
  Desired d = SyncWorld::desired({SyncWorld::number(kA, "A"), SyncWorld::number(kB, "B")});
  TwilioAccount other = d.twilio_accounts["main"];
  other.name = "other";
  d.twilio_accounts["other"] = other;
  DesiredNumber elsewhere = SyncWorld::number("+12025550199", "C");
  elsewhere.twilio_account = "other";
  d.numbers.push_back(elsewhere);
  const std::vector<TwilioAuth> auths =
      sync::list_auths(d, {{"main", {kMainSid, Secret("tok_main")}}});  // not "other"'s
  REQUIRE(auths.size() == 1);
  CHECK(auths[0].account == "main");
  CHECK(auths[0].mapped == 2);
}

// ApplySession against fakes and a temp-file SQLite state: the order of its steps, the
// snapshot before and the check after a cut-over, the campaign guard, saved plans, guards,
// a stop flag and a lost lock.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "sync/errors.h"
#include "sync_world.h"

using namespace xs;
using namespace xs::test;

namespace {

const std::string kA = "+15551230001", kB = "+15551230002";

Desired two_numbers() {
  return SyncWorld::desired(
      {SyncWorld::number(kA, "Support", kSupport), SyncWorld::number(kB, "Fax")});
}

void own_both(SyncWorld& w) {
  w.twilio.add(kMainSid, kA);
  w.twilio.add(kMainSid, kB);
}

BatchCampaign campaign(const std::string& name, const std::string& from) {
  BatchCampaign b;
  b.name = name;
  b.agent_id = kSales;
  b.agent_ref = kSales;
  b.from = from;
  BatchCallTarget t;
  t.to = "+15557770001";
  b.calls.push_back(t);
  return b;
}

// The SyncError f throws (kind and message); fails the test when it throws none.
struct Thrown {
  sync::Stop kind = sync::Stop::Invalid;
  std::string message;
};
Thrown thrown_by(const std::function<void()>& f) {
  try {
    f();
  } catch (const sync::SyncError& e) {
    return {e.kind, e.what()};
  }
  FAIL("no SyncError");
  return {};
}

sync::Planned fresh_plan(SyncWorld& w) {
  return sync::plan_only(w.store.get(), w.xuna, w.source, w.clock, w.target, two_numbers(),
                         w.request(two_numbers()).gather);
}

RunOutcome last_run(SyncWorld& w) {
  return w.store->runs(w.target_id(), 1).at(0).outcome;
}

}  // namespace

TEST_CASE("session: a lock held by another run is SyncError(Locked), nothing is listed or sent") {
  SyncWorld w;
  own_both(w);
  auto other = state::open_store(w.path);
  const auto t = other->target(w.target.api_url, w.target.key_fingerprint);
  REQUIRE(other->acquire_lock(t, 99, "otherhost", "2026-11-21T00:00:00Z", [](int) { return true; })
              .kind == state::LockResult::Kind::Acquired);
  auto e = thrown_by([&] { w.apply(two_numbers()); });
  CHECK(e.kind == sync::Stop::Locked);
  CHECK_THAT(e.message, Catch::Contains("pid 99 on otherhost"));
  CHECK(w.xuna.calls().empty());
  CHECK(w.twilio.calls().empty());
  CHECK(w.store->runs(t, 0).empty());  // no run was begun
}

// What the command line's mapping_checked throws for a mapping with errors (a CommandError).
struct MappingErrors : std::runtime_error {
  MappingErrors() : std::runtime_error("the mapping has 1 error") {}
};

TEST_CASE("session: Twilio's list is on its way while the mapping's numbers are checked") {
  SyncWorld w;
  own_both(w);
  std::mutex m;
  std::condition_variable cv;
  bool listed = false;
  w.twilio.on_list = [&] {
    std::lock_guard<std::mutex> lock(m);
    listed = true;
    cv.notify_all();
  };
  auto r = w.request(two_numbers());
  r.gather.early_list_without_history = true;  // as apply asks
  bool listed_during_checks = false;
  int xuna_lists_during_checks = -1;
  r.mapping_checked = [&] {
    // The checks take ~15 ms and more: Twilio is asked meanwhile, not after (a generous bound:
    // it is reached only when the list waits for the checks, which fails the test). XUNA,
    // whose list retries for up to a minute, is asked once the mapping is known good.
    std::unique_lock<std::mutex> lock(m);
    listed_during_checks = cv.wait_for(lock, std::chrono::seconds(30), [&] { return listed; });
    xuna_lists_during_checks = w.xuna.count("list");
  };
  auto result = w.apply(std::move(r));
  CHECK(listed_during_checks);
  CHECK(xuna_lists_during_checks == 0);
  CHECK(result.success());
  CHECK(w.xuna.count("import") == 2);
  CHECK(w.xuna.count("list") == 1);
}

TEST_CASE("session: a mapping whose numbers have errors ends the run: nothing sent or recorded") {
  SyncWorld w;
  own_both(w);
  auto r = w.request(two_numbers());
  r.gather.early_list_without_history = true;
  r.mapping_checked = [] { throw MappingErrors(); };
  CHECK_THROWS_AS(w.apply(std::move(r)), MappingErrors);
  CHECK(w.xuna.calls().empty());
  for (const auto& c : w.twilio.calls()) CHECK(c.op == "list");  // a read, given up
  CHECK(w.store->runs(w.target_id(), 0).empty());  // no run was begun
  CHECK(w.store->unfinished_actions(w.target_id()).empty());
  // The lock was let go: the next run, with the mapping fixed, applies it.
  CHECK(w.apply(two_numbers()).success());
  CHECK(w.xuna.count("import") == 2);
}

TEST_CASE("session: with the lock held elsewhere, the mapping's errors come before Locked") {
  SyncWorld w;
  auto other = state::open_store(w.path);
  const auto t = other->target(w.target.api_url, w.target.key_fingerprint);
  REQUIRE(other->acquire_lock(t, 99, "otherhost", "2026-11-21T00:00:00Z", [](int) { return true; })
              .kind == state::LockResult::Kind::Acquired);
  auto r = w.request(two_numbers());
  r.mapping_checked = [] { throw MappingErrors(); };
  CHECK_THROWS_AS(w.apply(std::move(r)), MappingErrors);
  auto fine = w.request(two_numbers());
  int checks = 0;
  fine.mapping_checked = [&] { ++checks; };
  CHECK(thrown_by([&] { w.apply(std::move(fine)); }).kind == sync::Stop::Locked);
  CHECK(checks == 1);
  CHECK(w.xuna.calls().empty());
}

TEST_CASE(
    "session: a killed earlier run's pending action is settled unknown, its run interrupted") {
  SyncWorld w;
  own_both(w);
  const auto t = w.target_id();
  const auto killed = w.store->begin_run(t, "apply", "2026-11-20T00:00:00Z");
  state::ActionIntent i;
  i.kind = ActionKind::Import;
  i.phone_number = kA;
  const auto pending = w.store->record_intent(killed, i, "2026-11-20T00:00:01Z");

  auto r = w.apply(two_numbers());
  CHECK(r.outcome == RunOutcome::Ok);
  auto actions = w.store->actions_of(killed);
  REQUIRE(actions.size() == 1);
  CHECK(actions[0].id == pending);
  CHECK(actions[0].outcome == Outcome::Unknown);
  CHECK_THAT(actions[0].error, Catch::Contains("interrupted"));
  auto runs = w.store->runs(t, 0);
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].id == killed);
  CHECK(runs[1].outcome == RunOutcome::Interrupted);
  CHECK(runs[0].outcome == RunOutcome::Ok);
  CHECK(w.store->unfinished_actions(t).empty());
}

TEST_CASE("session: a first apply imports and assigns, snapshots, and checks the cut-over") {
  SyncWorld w;
  own_both(w);
  auto r = w.apply(two_numbers());
  CHECK(r.outcome == RunOutcome::Ok);
  CHECK(w.xuna.count("import") == 2);
  CHECK(w.xuna.count("assign") == 1);
  CHECK(w.twilio.count("update") == 0);          // apply never changes Twilio itself
  CHECK(w.twilio.count("list", kMainSid) == 2);  // once to plan, once to check

  const auto t = w.target_id();
  auto snaps = w.store->snapshots(t);
  REQUIRE(snaps.size() == 2);
  for (const auto& s : snaps) {
    CHECK(s.twilio_account == "main");
    CHECK(s.account_sid == kMainSid);
    CHECK(s.before.voice_url == kIvr);
    CHECK(s.before.sid == "PN" + s.phone_number.substr(1));
    REQUIRE(s.after.has_value());  // the routing seen after the cut-over
    CHECK(s.after->voice_url == w.twilio.webhook);
    CHECK_FALSE(s.rolled_back);
  }
  REQUIRE(r.routing.size() == 2);
  for (const auto& c : r.routing) CHECK(c.ok);

  const auto run = w.store->runs(t, 1).at(0).id;
  int imports = 0;
  for (const auto& a : w.store->actions_of(run)) imports += a.kind == ActionKind::Import;
  CHECK(imports == 2);
  CHECK(w.store->managed_numbers(t).size() == 2);
}

TEST_CASE("session: the snapshot goes with the import's intent, before the request") {
  SyncWorld w;
  own_both(w);
  w.xuna.import_faults[kB] = FakeXuna::Fault::Reject;
  auto r = w.apply(two_numbers());
  CHECK(r.outcome == RunOutcome::Failed);
  auto snaps = w.store->snapshots(w.target_id());
  REQUIRE(snaps.size() == 2);  // B's too, though XUNA rejected its import
  for (const auto& s : snaps) CHECK(s.after.has_value() == (s.phone_number == kA));
}

TEST_CASE("session: every mapped number in XUNA after the run is managed, with its id") {
  // The journal marks what succeeded; the end of the run marks the rest (a number already
  // in XUNA and in sync). A failed import is not managed.
  SyncWorld w;
  own_both(w);
  w.xuna.add("pn_live_a", kA, "Support", kSupport);  // in sync: nothing to send for it
  w.xuna.import_faults[kB] = FakeXuna::Fault::Reject;
  REQUIRE(w.apply(two_numbers()).outcome == RunOutcome::Failed);
  auto managed = w.store->managed_numbers(w.target_id());
  REQUIRE(managed.size() == 1);
  CHECK(managed[0].phone_number == kA);
  CHECK(managed[0].phone_number_id == "pn_live_a");

  REQUIRE(w.apply(two_numbers()).outcome == RunOutcome::Ok);  // kB's import goes through now
  managed = w.store->managed_numbers(w.target_id());
  REQUIRE(managed.size() == 2);
  std::map<std::string, std::string> ids;
  for (const auto& m : managed) ids[m.phone_number] = m.phone_number_id;
  CHECK(ids[kA] == "pn_live_a");
  CHECK_FALSE(ids[kB].empty());
  CHECK(ids[kB] == w.xuna.numbers.at(kB).phone_number_id);
}

TEST_CASE("session: a second apply sends nothing") {
  SyncWorld w;
  own_both(w);
  REQUIRE(w.apply(two_numbers()).outcome == RunOutcome::Ok);
  const auto xuna_calls = w.xuna.calls().size();
  auto r = w.apply(two_numbers());
  CHECK(r.outcome == RunOutcome::Ok);
  CHECK_FALSE(r.planned.plan.has_changes());
  auto calls = w.xuna.calls();
  REQUIRE(calls.size() == xuna_calls + 1);
  CHECK(calls.back().op == "list");
  CHECK(w.twilio.count("update") == 0);
}

TEST_CASE("session: an import Twilio still routes elsewhere fails the cut-over check") {
  SyncWorld w;
  own_both(w);
  w.xuna.on_import = [&](const ImportRequest& r) {
    if (r.phone_number == kA) w.twilio.repoint_at_xuna(r.phone_number);
  };
  auto r = w.apply(two_numbers());
  CHECK(r.outcome == RunOutcome::Failed);
  REQUIRE(r.routing.size() == 2);
  CHECK(r.routing[0].ok);
  CHECK_FALSE(r.routing[1].ok);
  CHECK_THAT(r.routing[1].problem,
             Catch::Contains("imported, but Twilio still sends its calls to " + kIvr));
  for (const auto& s : w.store->snapshots(w.target_id()))
    CHECK(s.after.has_value() == (s.phone_number == kA));
  // The problem is journaled as a failed action of the run.
  bool journaled = false;
  for (const auto& a : w.store->actions_of(w.store->runs(w.target_id(), 1).at(0).id))
    journaled = journaled || (a.phone_number == kB && a.outcome == Outcome::Failed &&
                              a.error.find("still sends its calls") != std::string::npos);
  CHECK(journaled);
}

TEST_CASE(
    "session: with no history, a campaign from a number already in XUNA is recorded unknown") {
  SyncWorld w;
  own_both(w);
  w.xuna.add("pn_1", kA, "Support", kSupport);
  Desired d = two_numbers();
  d.batches.push_back(campaign("spring", kA));
  auto r = w.apply(d);
  CHECK(w.xuna.count("batch") == 0);
  auto calls = w.store->campaign_calls(w.target_id(), "spring");
  REQUIRE(!calls.empty());
  for (const auto& c : calls) CHECK(c.status == CallStatus::Unknown);
  CHECK(r.outcome == RunOutcome::Failed);  // an unknown campaign is a pending change

  auto again = w.apply(d);  // still unknown: not sent, still not a success
  CHECK(w.xuna.count("batch") == 0);
  CHECK(again.planned.plan.summary.unknown_batches == 1);
  CHECK(again.outcome == RunOutcome::Failed);
}

TEST_CASE("session: not approved, a campaign held back by the guard is not recorded either") {
  SyncWorld w;
  own_both(w);
  w.xuna.add("pn_1", kA, "Support", kSupport);
  Desired d = two_numbers();
  d.batches.push_back(campaign("spring", kA));
  sync::ApplyHooks hooks;
  hooks.approve = [](const sync::Planned&) { return false; };
  auto r = w.apply(w.request(d), hooks);
  CHECK(r.cancelled);
  CHECK(w.store->campaign_calls(w.target_id(), "spring").empty());  // "nothing was done"
}

TEST_CASE("session: with no history, a campaign from a number imported this run is sent") {
  SyncWorld w;
  own_both(w);
  Desired d = two_numbers();
  d.batches.push_back(campaign("spring", kA));
  auto r = w.apply(d);
  CHECK(r.outcome == RunOutcome::Ok);
  REQUIRE(w.xuna.batches.size() == 1);
  CHECK(w.xuna.batches[0].from_phone_number_id == "id_" + kA);
  auto calls = w.store->campaign_calls(w.target_id(), "spring");
  REQUIRE(!calls.empty());
  for (const auto& c : calls) CHECK(c.status == CallStatus::Sent);
}

TEST_CASE("session: a saved plan listing an action twice is refused, nothing is sent") {
  SyncWorld w;
  own_both(w);
  auto fresh = fresh_plan(w);
  sync::SavedPlan saved{"plan.json", fresh.header, fresh.plan};
  saved.plan.actions.push_back(saved.plan.actions.front());
  auto req = w.request(two_numbers());
  req.saved = saved;
  const auto before = w.xuna.calls().size();
  auto e = thrown_by([&] { w.apply(req); });
  CHECK(e.kind == sync::Stop::Refused);
  CHECK_THAT(e.message, Catch::Contains("more than once"));
  CHECK_THAT(e.message, Catch::Contains(kA));
  CHECK(w.xuna.count("import") == 0);
  CHECK(w.xuna.calls().size() == before + 1);  // the fresh list only
  CHECK(last_run(w) == RunOutcome::Refused);
}

TEST_CASE("session: a saved plan whose label was edited is refused naming both labels") {
  SyncWorld w;
  own_both(w);
  auto fresh = fresh_plan(w);
  sync::SavedPlan saved{"plan.json", fresh.header, fresh.plan};
  REQUIRE(saved.plan.actions.front().kind == ActionKind::Import);
  saved.plan.actions.front().label = "Hacked";
  auto req = w.request(two_numbers());
  req.saved = saved;
  auto e = thrown_by([&] { w.apply(req); });
  CHECK(e.kind == sync::Stop::Refused);
  CHECK_THAT(e.message, Catch::Contains("\"Hacked\""));
  CHECK_THAT(e.message, Catch::Contains("\"Support\""));
  CHECK(w.xuna.count("import") == 0);
}

TEST_CASE("session: a saved plan whose agent was edited is refused naming both agents") {
  SyncWorld w;
  own_both(w);
  auto fresh = fresh_plan(w);
  sync::SavedPlan saved{"plan.json", fresh.header, fresh.plan};
  for (auto& a : saved.plan.actions)
    if (a.kind == ActionKind::Assign) a.agent_id = kSales;
  auto req = w.request(two_numbers());
  req.saved = saved;
  auto e = thrown_by([&] { w.apply(req); });
  CHECK(e.kind == sync::Stop::Refused);
  CHECK_THAT(e.message, Catch::Contains(kSales));
  CHECK_THAT(e.message, Catch::Contains(kSupport));
  CHECK(w.xuna.count("import") == 0);
  CHECK(w.xuna.count("assign") == 0);
}

TEST_CASE("session: a guard refuses before anything is sent") {
  SyncWorld w;
  own_both(w);
  auto req = w.request(two_numbers());
  req.guards.max_changes = 1;
  bool asked = false;
  sync::ApplyHooks hooks;
  hooks.approve = [&](const sync::Planned&) { return asked = true; };
  CHECK(thrown_by([&] { w.apply(req, hooks); }).kind == sync::Stop::Refused);
  CHECK_FALSE(asked);
  CHECK(w.xuna.count("import") == 0);
  CHECK(w.xuna.count("assign") == 0);
  CHECK(last_run(w) == RunOutcome::Refused);
  CHECK(w.store->snapshots(w.target_id()).empty());
}

TEST_CASE("session: not approved, nothing is sent and the run is cancelled") {
  SyncWorld w;
  own_both(w);
  sync::ApplyHooks hooks;
  hooks.approve = [](const sync::Planned&) { return false; };
  auto r = w.apply(w.request(two_numbers()), hooks);
  CHECK(r.cancelled);
  CHECK(w.xuna.count("import") == 0);
  CHECK(last_run(w) == RunOutcome::Cancelled);
}

TEST_CASE("session: a stop flag set mid-run marks it interrupted and skips the rest") {
  SyncWorld w;
  own_both(w);
  std::atomic<bool> stop{false};
  auto req = w.request(two_numbers());
  req.stop = &stop;
  // Set while the first import is in flight, holding the one place: it finishes, nothing else
  // starts. (Set from the progress callback after its answer, it raced the worker ahead of
  // the places, which may already have sent the next import: 2 imports, 1 run in ~300 under
  // ctest -j2.)
  w.xuna.before_import = [&](const ImportRequest&) { stop = true; };
  auto r = w.apply(req, {});
  CHECK(r.outcome == RunOutcome::Interrupted);
  CHECK(r.report.interrupted);
  CHECK(w.xuna.count("import") == 1);
  CHECK(w.xuna.count("assign") == 0);
  CHECK(r.report.skipped == 2);
  CHECK(r.routing.empty());  // no cut-over check of an interrupted run
  CHECK(last_run(w) == RunOutcome::Interrupted);
  CHECK(w.store->unfinished_actions(w.target_id()).empty());
}

TEST_CASE("session: a lock forced away before sending stops the run, nothing is sent") {
  SyncWorld w;
  own_both(w);
  auto other = state::open_store(w.path);
  sync::ApplyHooks hooks;
  hooks.approve = [&](const sync::Planned&) {
    other->force_unlock(other->target(w.target.api_url, w.target.key_fingerprint));
    return true;
  };
  auto e = thrown_by([&] { w.apply(w.request(two_numbers()), hooks); });
  CHECK(e.kind == sync::Stop::Failed);
  CHECK_THAT(e.message, Catch::Contains("lost the lock before sending anything"));
  CHECK(w.xuna.count("import") == 0);
  CHECK(w.xuna.count("assign") == 0);
  CHECK(w.twilio.count("update") == 0);
  CHECK(last_run(w) == RunOutcome::Failed);
}

TEST_CASE("session: a lock forced away mid-run stops before the campaign is sent") {
  SyncWorld w;
  own_both(w);
  Desired d = two_numbers();
  d.batches.push_back(campaign("spring", kA));
  auto other = state::open_store(w.path);
  sync::ApplyHooks hooks;
  hooks.progress = [&](std::size_t done, std::size_t, std::size_t) {
    if (done == 1) other->force_unlock(other->target(w.target.api_url, w.target.key_fingerprint));
  };
  // The campaign's intent checks the lock in its own transaction, and stops the run.
  try {
    auto r = w.apply(w.request(d), hooks);
    CHECK(r.outcome == RunOutcome::Failed);
    CHECK_THAT(r.report.stopped, Catch::Contains("lock"));
  } catch (const sync::SyncError& e) {
    CHECK(e.kind == sync::Stop::Failed);
  }
  CHECK(w.xuna.count("batch") == 0);
  CHECK(last_run(w) == RunOutcome::Failed);
}

TEST_CASE("session: a wave (--only, --max-imports) touches nothing outside it") {
  SyncWorld w;
  own_both(w);
  w.twilio.add(kMainSid, "+15559990001");
  Desired d = SyncWorld::desired({SyncWorld::number(kA, "Berlin", kSupport),
                                  SyncWorld::number(kB, "Berlin fax"),
                                  SyncWorld::number("+15559990001", "Paris", kSupport)});
  d.batches.push_back(campaign("paris", "+15559990001"));
  auto req = w.request(d);
  req.gather.plan.selection.only = {"label:Berlin*"};
  req.gather.plan.selection.max_imports = 1;
  auto r = w.apply(req);
  CHECK(r.outcome == RunOutcome::Ok);
  CHECK(r.planned.plan.summary.deferred == 1);
  CHECK(r.planned.plan.summary.unselected == 1);
  auto calls = w.xuna.calls();
  for (const auto& c : calls) {
    CHECK(c.target.find(kB) == std::string::npos);
    CHECK(c.target.find("+15559990001") == std::string::npos);
  }
  CHECK(w.xuna.count("import") == 1);
  CHECK(w.xuna.count("batch") == 0);
  auto snaps = w.store->snapshots(w.target_id());
  REQUIRE(snaps.size() == 1);
  CHECK(snaps[0].phone_number == kA);

  // The next wave picks up the deferred number; Paris stays outside.
  auto next = w.apply(req);
  CHECK(next.outcome == RunOutcome::Ok);
  CHECK(w.xuna.count("import") == 2);
  CHECK(w.store->snapshots(w.target_id()).size() == 2);
  CHECK(w.xuna.numbers.count("+15559990001") == 0);
}

TEST_CASE(
    "session: an app-routed number is refused, the rest imported, taken over, the check "
    "catches an app that still wins") {
  SyncWorld w;
  w.twilio.add(kMainSid, kA);
  w.twilio.add(kMainSid, kB, "", "AP0123456789abcdef0123456789abcdef");
  // XUNA sets the voice URL only; Twilio obeys the application before it.
  w.xuna.on_import = [&](const ImportRequest& r) {
    if (r.phone_number == kA) return w.twilio.repoint_at_xuna(kA);
    for (auto& n : w.twilio.accounts[kMainSid])
      if (n.phone_number == r.phone_number) n.routing.voice_url = w.twilio.webhook;
  };
  auto r = w.apply(two_numbers());
  CHECK(r.outcome == RunOutcome::Failed);
  REQUIRE(r.planned.plan.errors.size() == 1);
  CHECK(r.planned.plan.errors[0].phone_number == kB);
  CHECK(w.xuna.count("import") == 1);
  CHECK(w.xuna.numbers.count(kB) == 0);

  auto req = w.request(two_numbers());
  req.gather.plan.allow_routing_takeover = true;
  auto taken = w.apply(req);
  CHECK(w.xuna.numbers.count(kB) == 1);
  CHECK(taken.outcome == RunOutcome::Failed);
  REQUIRE(taken.routing.size() == 1);
  CHECK_FALSE(taken.routing[0].ok);
  CHECK_THAT(taken.routing[0].problem, Catch::Contains("TwiML app AP0123456789abcdef"));
}

TEST_CASE("session: a cut-over check whose re-list fails is a problem, not a success") {
  SyncWorld w;
  own_both(w);
  // The re-list after the imports answers 401 (the token was rotated mid-run).
  w.xuna.on_import = [&](const ImportRequest& r) {
    w.twilio.repoint_at_xuna(r.phone_number);
    w.twilio.list_faults[kMainSid] = FakeTwilio::Fault::Unauthorized;
  };
  auto r = w.apply(two_numbers());
  CHECK(w.xuna.count("import") == 2);
  CHECK(r.outcome == RunOutcome::Failed);
  REQUIRE(r.routing.size() == 2);
  for (const auto& c : r.routing) {
    CHECK_FALSE(c.ok);
    CHECK_THAT(c.problem, Catch::Contains("could not be checked"));
    CHECK(c.problem.find("tok_main") == std::string::npos);
  }
}

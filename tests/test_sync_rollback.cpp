// run_rollback against a FakeTwilio and a temp-file SQLite state holding the snapshots of a
// first apply: restores, is idempotent, undoes, and reports per-number problems.
#include <catch2/catch.hpp>

#include <optional>

#include "sync/errors.h"
#include "sync/rollback.h"
#include "sync_world.h"

using namespace xs;
using namespace xs::test;

namespace {

const std::string kA = "+15551230001", kB = "+15551230002", kC = "+15551230003";

Desired three() {
  return SyncWorld::desired(
      {SyncWorld::number(kA, "A"), SyncWorld::number(kB, "B"), SyncWorld::number(kC, "C")});
}

// A world where A, B and C were imported (their IVR routing snapshotted) and cut over.
struct Migrated : SyncWorld {
  Migrated() {
    twilio.add(kMainSid, kA);
    twilio.add(kMainSid, kB, "https://user:pa55word@ivr.example.com/b");
    twilio.add(kMainSid, kC);
    REQUIRE(apply(three()).outcome == RunOutcome::Ok);
  }
  sync::RollbackResult rollback(std::vector<std::string> numbers, bool undo = false,
                                bool all = false, bool force = false,
                                std::optional<Desired> desired = std::nullopt) {
    sync::RollbackRequest r;
    r.desired = desired ? *desired : three();
    r.numbers = std::move(numbers);
    r.undo = undo;
    r.all = all;
    r.force = force;
    r.parallelism = 1;
    return sync::run_rollback(*store, source, clock, identity, target.api_url,
                              target.key_fingerprint, std::move(r), {});
  }
  const RollbackItem& item(const sync::RollbackResult& r, const std::string& number) {
    for (const auto& i : r.items)
      if (i.phone_number == number) return i;
    FAIL("no item for " << number);
    return r.items.front();
  }
  bool rolled_back(const std::string& number) {
    for (const auto& s : store->snapshots(target_id()))
      if (s.phone_number == number) return s.rolled_back;
    return false;
  }
};

}  // namespace

TEST_CASE("rollback: restores the snapshot on Twilio and records it") {
  Migrated w;
  REQUIRE(w.twilio.routing_of(kA).voice_url == w.twilio.webhook);
  auto r = w.rollback({kA, kB});
  CHECK(r.outcome == RunOutcome::Ok);
  CHECK(w.twilio.count("update") == 2);
  CHECK(w.twilio.routing_of(kA).voice_url == kIvr);
  CHECK(w.twilio.routing_of(kB).voice_url == "https://user:pa55word@ivr.example.com/b");
  CHECK(w.twilio.routing_of(kC).voice_url == w.twilio.webhook);  // not asked for
  CHECK(w.item(r, kA).outcome == Outcome::Ok);
  CHECK(w.rolled_back(kA));
  CHECK(w.rolled_back(kB));
  CHECK_FALSE(w.rolled_back(kC));
  // Journaled as actions of a rollback run, without the password.
  const auto run = w.store->runs(w.target_id(), 1).at(0);
  CHECK(run.command == "rollback");
  CHECK(run.outcome == RunOutcome::Ok);
  auto actions = w.store->actions_of(run.id);
  REQUIRE(actions.size() == 2);
  for (const auto& a : actions) {
    CHECK(a.kind == ActionKind::Rollback);
    CHECK(a.outcome == Outcome::Ok);
    CHECK(a.detail.find("pa55word") == std::string::npos);
  }
}

TEST_CASE("rollback: a second rollback sends no update") {
  Migrated w;
  REQUIRE(w.rollback({kA}).outcome == RunOutcome::Ok);
  REQUIRE(w.twilio.count("update") == 1);
  auto again = w.rollback({kA});
  CHECK(again.outcome == RunOutcome::Ok);
  CHECK(w.twilio.count("update") == 1);
  CHECK(w.item(again, kA).status == RollbackItem::Status::Already);
  CHECK(w.item(again, kA).outcome == Outcome::Ok);
}

TEST_CASE("rollback: --undo points the number back at XUNA as seen after the cut-over") {
  Migrated w;
  REQUIRE(w.rollback({kA}).outcome == RunOutcome::Ok);
  auto r = w.rollback({kA}, /*undo=*/true);
  CHECK(r.outcome == RunOutcome::Ok);
  CHECK(w.twilio.routing_of(kA).voice_url == w.twilio.webhook);
  CHECK_FALSE(w.rolled_back(kA));
  CHECK(w.store->runs(w.target_id(), 1).at(0).command == "rollback --undo");
  // And an undo again changes nothing.
  const int updates = w.twilio.count("update");
  CHECK(w.rollback({kA}, true).outcome == RunOutcome::Ok);
  CHECK(w.twilio.count("update") == updates);
}

TEST_CASE("rollback: --all restores every snapshotted number") {
  Migrated w;
  auto r = w.rollback({}, false, /*all=*/true);
  CHECK(r.outcome == RunOutcome::Ok);
  CHECK(r.items.size() == 3);
  for (const auto& n : {kA, kB, kC}) CHECK(w.rolled_back(n));
}

TEST_CASE("rollback: no number and no --all is SyncError(Invalid), nothing asked") {
  Migrated w;
  const auto calls = w.twilio.calls().size();
  try {
    w.rollback({});
    FAIL("no error");
  } catch (const sync::SyncError& e) {
    CHECK(e.kind == sync::Stop::Invalid);
  }
  CHECK(w.twilio.calls().size() == calls);
}

TEST_CASE("rollback: an unknown number is a problem of its own, the others are done") {
  Migrated w;
  auto r = w.rollback({"+15559999999", kA});
  CHECK(r.outcome == RunOutcome::Failed);
  const auto& bad = w.item(r, "+15559999999");
  CHECK(bad.status == RollbackItem::Status::Problem);
  CHECK(bad.outcome == Outcome::Failed);
  CHECK_THAT(bad.message, Catch::Contains("no routing snapshot"));
  CHECK(w.item(r, kA).outcome == Outcome::Ok);
  CHECK(w.twilio.routing_of(kA).voice_url == kIvr);
}

TEST_CASE("rollback: --undo of a number with no routing recorded after is a problem") {
  SyncWorld w;
  w.twilio.add(kMainSid, kA);
  w.twilio.add(kMainSid, kB);
  w.xuna.on_import = [&](const ImportRequest& r) {
    if (r.phone_number == kB) w.twilio.repoint_at_xuna(kB);
  };
  Desired d = SyncWorld::desired({SyncWorld::number(kA, "A"), SyncWorld::number(kB, "B")});
  REQUIRE(w.apply(d).outcome == RunOutcome::Failed);  // A failed its cut-over check
  sync::RollbackRequest req;
  req.desired = d;
  req.numbers = {kA, kB};
  req.undo = true;
  auto r = sync::run_rollback(*w.store, w.source, w.clock, w.identity, w.target.api_url,
                              w.target.key_fingerprint, req, {});
  REQUIRE(r.items.size() == 2);
  CHECK(r.items[0].status == RollbackItem::Status::Problem);
  CHECK_THAT(r.items[0].message, Catch::Contains("no routing was recorded after"));
  CHECK(r.items[1].status == RollbackItem::Status::Already);  // B routes to XUNA already
  CHECK(w.twilio.count("update") == 0);
}

TEST_CASE("rollback: a number gone from its account is reported, not guessed") {
  Migrated w;
  w.twilio.release(kB);
  auto r = w.rollback({kA, kB});
  CHECK(r.outcome == RunOutcome::Failed);
  CHECK_THAT(w.item(r, kB).message, Catch::Contains("no longer has this number"));
  CHECK(w.item(r, kB).outcome == Outcome::Failed);
  CHECK(w.item(r, kA).outcome == Outcome::Ok);
  CHECK(w.twilio.count("update") == 1);
}

TEST_CASE("rollback: Twilio refusing the update fails that number only") {
  Migrated w;
  w.twilio.update_faults["PN15551230002"] = FakeTwilio::Fault::Refuse;
  auto r = w.rollback({kA, kB, kC});
  CHECK(r.outcome == RunOutcome::Failed);
  CHECK(w.item(r, kB).outcome == Outcome::Failed);
  CHECK_THAT(w.item(r, kB).message, Catch::Contains("Twilio refused the update"));
  CHECK_FALSE(w.rolled_back(kB));
  CHECK(w.item(r, kA).outcome == Outcome::Ok);
  CHECK(w.item(r, kC).outcome == Outcome::Ok);
}

TEST_CASE("rollback: an update with no clean answer is unknown, and asking again is safe") {
  Migrated w;
  w.twilio.update_faults["PN15551230001"] = FakeTwilio::Fault::Transient;
  auto r = w.rollback({kA});
  CHECK(w.item(r, kA).outcome == Outcome::Unknown);
  CHECK(r.outcome == RunOutcome::Failed);
  CHECK(w.rollback({kA}).outcome == RunOutcome::Ok);
  CHECK(w.twilio.routing_of(kA).voice_url == kIvr);
}

TEST_CASE("rollback: Twilio answering with other routing fails that number") {
  Migrated w;
  w.twilio.update_faults["PN15551230003"] = FakeTwilio::Fault::OtherRouting;
  auto r = w.rollback({kA, kC});
  CHECK(r.outcome == RunOutcome::Failed);
  CHECK(w.item(r, kC).outcome == Outcome::Failed);
  CHECK_THAT(w.item(r, kC).message, Catch::Contains("Twilio answered with other routing"));
  CHECK_THAT(w.item(r, kC).message, Catch::Contains("elsewhere.example"));
  CHECK_FALSE(w.rolled_back(kC));
  CHECK(w.item(r, kA).outcome == Outcome::Ok);
}

TEST_CASE("rollback: an account that answers 401 makes its numbers problems, nothing updated") {
  Migrated w;
  w.twilio.list_faults[kMainSid] = FakeTwilio::Fault::Unauthorized;
  auto r = w.rollback({kA});
  CHECK(r.outcome == RunOutcome::Failed);
  CHECK_THAT(w.item(r, kA).message, Catch::Contains("could not list Twilio account 'main'"));
  CHECK_THAT(w.item(r, kA).message, Catch::Contains("401"));
  CHECK(w.twilio.count("update") == 0);
}

TEST_CASE("rollback: a lock held by another run is SyncError(Locked), nothing updated") {
  Migrated w;
  auto other = state::open_store(w.path);
  other->acquire_lock(other->target(w.target.api_url, w.target.key_fingerprint), 7, "elsewhere",
                      "now", [](int) { return true; });
  try {
    w.rollback({kA});
    FAIL("no error");
  } catch (const sync::SyncError& e) {
    CHECK(e.kind == sync::Stop::Locked);
  }
  CHECK(w.twilio.count("update") == 0);
}

// Issue 20 item 3: rollback compares before it sets.
TEST_CASE("rollback: a number re-routed by hand since the cut-over is left alone and named") {
  Migrated w;
  const std::string by_hand = "https://ops:n3w-pa55@new-ivr.example.com/voice";
  w.twilio.edit(kB, [&](TwilioRouting& r) { r.voice_url = by_hand; });
  auto r = w.rollback({}, false, /*all=*/true);
  CHECK(r.outcome == RunOutcome::Failed);  // exit 1
  const auto& b = w.item(r, kB);
  CHECK(b.status == RollbackItem::Status::Moved);
  CHECK(b.outcome == Outcome::Skipped);
  CHECK_THAT(b.message, Catch::Contains("https://ops:***@new-ivr.example.com/voice"));
  CHECK(b.message.find("n3w-pa55") == std::string::npos);
  CHECK(w.twilio.routing_of(kB).voice_url == by_hand);  // untouched
  CHECK_FALSE(w.rolled_back(kB));
  CHECK(w.twilio.count("update") == 2);  // A and C only
  CHECK(w.twilio.routing_of(kA).voice_url == kIvr);
  CHECK(w.rolled_back(kC));
}

TEST_CASE("rollback: --force restores over a hand-made routing, and --undo brings that back") {
  Migrated w;
  const std::string by_hand = "https://ops:n3w-pa55@new-ivr.example.com/voice";
  w.twilio.edit(kB, [&](TwilioRouting& r) {
    r.voice_url = by_hand;
    r.voice_method = "GET";
  });
  auto r = w.rollback({kB}, false, false, /*force=*/true);
  CHECK(r.outcome == RunOutcome::Ok);
  CHECK(w.item(r, kB).forced);
  CHECK(w.twilio.routing_of(kB).voice_url == "https://user:pa55word@ivr.example.com/b");
  CHECK(w.rolled_back(kB));
  // The routing it replaced is journaled in the state (whole, for the undo)...
  bool kept = false;
  for (const auto& s : w.store->snapshots(w.target_id()))
    if (s.phone_number == kB) kept = s.after && s.after->voice_url == by_hand;
  CHECK(kept);
  // ... never in the journal's text.
  for (const auto& a : w.store->actions_of(w.store->runs(w.target_id(), 1).at(0).id))
    CHECK(a.detail.find("n3w-pa55") == std::string::npos);
  auto undo = w.rollback({kB}, /*undo=*/true);
  CHECK(undo.outcome == RunOutcome::Ok);
  CHECK(w.twilio.routing_of(kB).voice_url == by_hand);
  CHECK(w.twilio.routing_of(kB).voice_method == "GET");
}

TEST_CASE("rollback: --all covers the given mapping's numbers, others only when named") {
  Migrated w;  // A, B and C imported from one mapping...
  // ... and a second team's mapping holding only C shares the state and the target.
  const Desired team_b = SyncWorld::desired({SyncWorld::number(kC, "C")});
  auto r = w.rollback({}, false, /*all=*/true, false, team_b);
  CHECK(r.outcome == RunOutcome::Ok);
  REQUIRE(r.items.size() == 1);
  CHECK(r.items[0].phone_number == kC);
  CHECK(w.twilio.routing_of(kC).voice_url == kIvr);
  CHECK(w.twilio.routing_of(kA).voice_url == w.twilio.webhook);  // team A's stay on XUNA
  CHECK(w.twilio.routing_of(kB).voice_url == w.twilio.webhook);
  CHECK(w.twilio.count("update") == 1);
  // Named on the command line, a number outside the mapping is rolled back too.
  auto named = w.rollback({kA}, false, false, false, team_b);
  CHECK(named.outcome == RunOutcome::Ok);
  CHECK(w.twilio.routing_of(kA).voice_url == kIvr);
}

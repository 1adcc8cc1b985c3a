// RunLock and settle_interrupted_runs over a temp-file SQLite state opened twice, as two
// processes would.
#include <catch2/catch.hpp>

#include "sync/errors.h"
#include "sync_world.h"

using namespace xs;
using namespace xs::test;

TEST_CASE("lock: a second holder is refused naming the first, released at scope end") {
  SyncWorld w;
  const auto t = w.target_id();
  auto other = state::open_store(w.path);
  sync::Identity them{77, "otherhost", [](int) { return true; }};
  {
    sync::RunLock held(*w.store, t, w.identity, w.clock);
    try {
      sync::RunLock second(*other, t, them, w.clock);
      FAIL("no error");
    } catch (const sync::SyncError& e) {
      CHECK(e.kind == sync::Stop::Locked);
      CHECK_THAT(e.what(), Catch::Contains("pid 4242 on testhost"));
      CHECK_THAT(e.what(), Catch::Contains("state unlock --force"));
    }
  }
  sync::RunLock after(*other, t, them, w.clock);  // released: taken now
  CHECK_FALSE(after.token().empty());
}

TEST_CASE("lock: the lock of a dead process on this host is taken over") {
  SyncWorld w;
  const auto t = w.target_id();
  auto other = state::open_store(w.path);
  other->acquire_lock(t, 555, "testhost", "2026-11-20T00:00:00Z", [](int) { return true; });
  sync::Identity me{4242, "testhost", [](int pid) { return pid != 555; }};
  sync::RunLock taken(*w.store, t, me, w.clock);
  CHECK_NOTHROW(taken.check("anything"));
  CHECK(w.store->lock_holder(t)->pid == 4242);
}

TEST_CASE("lock: check() after the lock was forced away is SyncError(Failed)") {
  SyncWorld w;
  const auto t = w.target_id();
  sync::RunLock held(*w.store, t, w.identity, w.clock);
  CHECK_NOTHROW(held.check("sending"));
  state::open_store(w.path)->force_unlock(t);
  try {
    held.check("the campaigns");
    FAIL("no error");
  } catch (const sync::SyncError& e) {
    CHECK(e.kind == sync::Stop::Failed);
    CHECK_THAT(e.what(), Catch::Contains("lost the lock before the campaigns"));
  }
}

TEST_CASE("settle: only other runs' pending actions become unknown, finished runs stay") {
  SyncWorld w;
  const auto t = w.target_id();
  const auto done = w.store->begin_run(t, "apply", "2026-11-19T00:00:00Z");
  state::ActionIntent i;
  i.phone_number = "+15551230001";
  w.store->record_outcome(w.store->record_intent(done, i, "t"), Outcome::Ok, "", "pn_1", "t");
  w.store->finish_run(done, RunOutcome::Ok, "t");
  const auto killed = w.store->begin_run(t, "rollback", "2026-11-20T00:00:00Z");
  const auto pending = w.store->record_intent(killed, i, "t");
  const auto current = w.store->begin_run(t, "apply", "2026-11-21T00:00:00Z");
  const auto mine = w.store->record_intent(current, i, "t");

  sync::settle_interrupted_runs(*w.store, t, current, w.clock);
  auto unfinished = w.store->unfinished_actions(t);
  REQUIRE(unfinished.size() == 1);
  CHECK(unfinished[0].id == mine);
  CHECK(w.store->actions_of(killed).at(0).id == pending);
  CHECK(w.store->actions_of(killed).at(0).outcome == Outcome::Unknown);
  for (const auto& r : w.store->runs(t, 0)) {
    if (r.id == done) CHECK(r.outcome == RunOutcome::Ok);
    if (r.id == killed) CHECK(r.outcome == RunOutcome::Interrupted);
    if (r.id == current) CHECK(r.outcome == RunOutcome::Running);
  }
}

// The apply lock, seen from two Store objects on one file as two processes would see it.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::state::testing::TempDir;
using Kind = LockResult::Kind;

namespace {

const std::string kT0 = "2026-01-01T00:00:00Z";
const std::string kT1 = "2026-01-01T00:05:00Z";
bool alive(int) {
  return true;
}
bool dead(int) {
  return false;
}

}  // namespace

TEST_CASE("the first to ask gets the lock and another process is told who holds it") {
  TempDir tmp;
  Store one((tmp / "state.db"));
  Store two((tmp / "state.db"));
  CHECK_FALSE(one.lock_holder());

  const auto first = one.acquire_lock(100, "hostA", kT0, alive);
  CHECK(first.kind == Kind::Acquired);
  const auto second = two.acquire_lock(200, "hostA", kT1, alive);
  CHECK(second.kind == Kind::Held);
  CHECK(second.holder.pid == 100);
  CHECK(second.holder.host == "hostA");
  CHECK(second.holder.since == kT0);

  const auto holder = two.lock_holder();
  REQUIRE(holder);
  CHECK(holder->pid == 100);
}

TEST_CASE("the holder asking again keeps the lock and its start time") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  s.acquire_lock(100, "hostA", kT0, alive);
  const auto again = s.acquire_lock(100, "hostA", kT1, alive);
  CHECK(again.kind == Kind::Acquired);
  CHECK(s.lock_holder()->since == kT0);
  // The same pid on another host is another process.
  CHECK(s.acquire_lock(100, "hostB", kT1, alive).kind == Kind::Held);
}

TEST_CASE("a lock left by a dead process on this host is taken over") {
  TempDir tmp;
  Store killed((tmp / "state.db"));
  Store next((tmp / "state.db"));
  killed.acquire_lock(100, "hostA", kT0, alive);

  const auto r = next.acquire_lock(200, "hostA", kT1, dead);
  CHECK(r.kind == Kind::TakenOver);
  CHECK(r.holder.pid == 100);
  CHECK(r.holder.since == kT0);
  const auto holder = killed.lock_holder();
  REQUIRE(holder);
  CHECK(holder->pid == 200);
  CHECK(holder->since == kT1);
}

TEST_CASE("a lock held from another host is never taken over") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  s.acquire_lock(100, "hostB", kT0, alive);
  int asked = 0;
  const auto r = s.acquire_lock(200, "hostA", kT1, [&](int) { return ++asked, false; });
  CHECK(r.kind == Kind::Held);
  CHECK(r.holder.host == "hostB");
  CHECK(asked == 0);  // a pid of another host says nothing here
}

TEST_CASE("release only frees our own lock and force_unlock frees any") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  s.acquire_lock(100, "hostA", kT0, alive);
  s.release_lock(200);
  CHECK(s.lock_holder());
  s.release_lock(100);
  CHECK_FALSE(s.lock_holder());

  s.acquire_lock(100, "hostA", kT0, alive);
  s.force_unlock();
  CHECK_FALSE(s.lock_holder());
  CHECK(s.acquire_lock(200, "hostA", kT1, alive).kind == Kind::Acquired);
}

TEST_CASE("two processes racing for the lock: exactly one gets it") {
  TempDir tmp;
  Store one((tmp / "state.db"));
  Store two((tmp / "state.db"));
  for (int round = 0; round < 25; ++round) {
    std::atomic<int> ready{0};
    LockResult r1, r2;
    auto contender = [&](Store& s, int pid, LockResult& out) {
      ready.fetch_add(1);
      while (ready.load() < 2) std::this_thread::yield();
      out = s.acquire_lock(pid, "hostA", kT0, alive);
    };
    std::thread a(contender, std::ref(one), 100, std::ref(r1));
    std::thread b(contender, std::ref(two), 200, std::ref(r2));
    a.join();
    b.join();
    INFO("round " << round);
    CHECK((r1.kind == Kind::Acquired) != (r2.kind == Kind::Acquired));
    const LockResult& lost = r1.kind == Kind::Acquired ? r2 : r1;
    CHECK(lost.kind == Kind::Held);
    CHECK(lost.holder.pid == one.lock_holder()->pid);
    one.force_unlock();
  }
}

// The apply lock, seen from two stores on one state as two processes would see it.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::state::testing::TestState;
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

TEST_CASE("the first to ask gets the lock and another process is told who holds it",
          "[conformance]") {
  TestState st;
  auto one = st.open();
  auto two = st.open();
  const auto t = one->target("https://api.xuna.ai", "fp");
  CHECK_FALSE(one->lock_holder(t));
  CHECK_FALSE(one->lock_holder(0));

  const auto first = one->acquire_lock(t, 100, "hostA", kT0, alive);
  CHECK(first.kind == Kind::Acquired);
  CHECK(first.token.size() == 32);
  const auto second = two->acquire_lock(t, 200, "hostA", kT1, alive);
  CHECK(second.kind == Kind::Held);
  CHECK(second.holder.pid == 100);
  CHECK(second.holder.host == "hostA");
  CHECK(second.holder.since == kT0);
  CHECK(second.token.empty());

  const auto holder = two->lock_holder(t);
  REQUIRE(holder);
  CHECK(holder->pid == 100);
  CHECK(two->lock_holder(0));
}

TEST_CASE("each target has its own lock", "[conformance]") {
  TestState st;
  auto one = st.open();
  auto two = st.open();
  const auto a = one->target("https://a.example", "fp");
  const auto b = one->target("https://b.example", "fp");
  CHECK(one->acquire_lock(a, 100, "hostA", kT0, alive).kind == Kind::Acquired);
  CHECK(two->acquire_lock(b, 200, "hostA", kT0, alive).kind == Kind::Acquired);
  CHECK(two->acquire_lock(a, 200, "hostA", kT0, alive).kind == Kind::Held);
  CHECK(one->lock_holder(b)->pid == 200);
}

TEST_CASE("the holder asking again keeps the lock, its start time and its token", "[conformance]") {
  TestState st;
  auto s = st.open();
  const auto t = s->target("https://api.xuna.ai", "fp");
  const auto first = s->acquire_lock(t, 100, "hostA", kT0, alive);
  const auto again = s->acquire_lock(t, 100, "hostA", kT1, alive);
  CHECK(again.kind == Kind::Acquired);
  CHECK(again.token == first.token);
  CHECK(s->lock_holder(t)->since == kT0);
  // The same pid on another host is another process.
  CHECK(s->acquire_lock(t, 100, "hostB", kT1, alive).kind == Kind::Held);
}

TEST_CASE("check_lock passes for the holder's token and throws LockLost otherwise",
          "[conformance]") {
  TestState st;
  auto s = st.open();
  auto other = st.open();
  const auto t = s->target("https://api.xuna.ai", "fp");
  const auto lock = s->acquire_lock(t, 100, "hostA", kT0, alive);
  s->check_lock(t, lock.token);
  CHECK_THROWS_AS(s->check_lock(t, "0123456789abcdef0123456789abcdef"), LockLost);
  CHECK_THROWS_AS(s->check_lock(t, ""), LockLost);
  other->force_unlock(t);  // state unlock --force from another process
  CHECK_THROWS_AS(s->check_lock(t, lock.token), LockLost);
  try {
    s->check_lock(t, lock.token);
  } catch (const LockLost& e) {
    CHECK_THAT(e.what(), Catch::Contains("no longer holds the lock"));
  }
}

TEST_CASE("release only frees our own lock and force_unlock frees any", "[conformance]") {
  TestState st;
  auto s = st.open();
  auto other = st.open();
  const auto t = s->target("https://api.xuna.ai", "fp");
  const auto lock = s->acquire_lock(t, 100, "hostA", kT0, alive);
  s->release_lock(t, "not-the-token");
  CHECK(s->lock_holder(t));
  s->release_lock(t, lock.token);
  CHECK_FALSE(s->lock_holder(t));
  CHECK(other->acquire_lock(t, 200, "hostA", kT1, alive).kind == Kind::Acquired);

  other->force_unlock(t);
  CHECK_FALSE(s->lock_holder(t));
  CHECK(s->acquire_lock(t, 100, "hostA", kT1, alive).kind != Kind::Held);
}

TEST_CASE("two processes racing for the lock: exactly one gets it", "[conformance]") {
  TestState st;
  auto one = st.open();
  auto two = st.open();
  const auto t = one->target("https://api.xuna.ai", "fp");
  for (int round = 0; round < 25; ++round) {
    std::atomic<int> ready{0};
    LockResult r1, r2;
    auto contender = [&](Store& s, int pid, LockResult& out) {
      ready.fetch_add(1);
      while (ready.load() < 2) std::this_thread::yield();
      out = s.acquire_lock(t, pid, "hostA", kT0, alive);
    };
    std::thread a(contender, std::ref(*one), 100, std::ref(r1));
    std::thread b(contender, std::ref(*two), 200, std::ref(r2));
    a.join();
    b.join();
    INFO("round " << round);
    CHECK((r1.kind == Kind::Acquired) != (r2.kind == Kind::Acquired));
    const LockResult& won = r1.kind == Kind::Acquired ? r1 : r2;
    const LockResult& lost = r1.kind == Kind::Acquired ? r2 : r1;
    CHECK(lost.kind == Kind::Held);
    CHECK(lost.holder.pid == one->lock_holder(t)->pid);
    (r1.kind == Kind::Acquired ? *one : *two).release_lock(t, won.token);
    CHECK_FALSE(one->lock_holder(t));
  }
}

TEST_CASE("a lock left by a dead process on this host is taken over") {
  TestState st;
  auto killed = st.open();
  auto next = st.open();
  const auto t = killed->target("https://api.xuna.ai", "fp");
  const auto old = killed->acquire_lock(t, 100, "hostA", kT0, alive);

  const auto r = next->acquire_lock(t, 200, "hostA", kT1, dead);
  CHECK(r.kind == Kind::TakenOver);
  CHECK(r.holder.pid == 100);
  CHECK(r.holder.since == kT0);
  CHECK(r.token != old.token);
  const auto holder = killed->lock_holder(t);
  REQUIRE(holder);
  CHECK(holder->pid == 200);
  CHECK(holder->since == kT1);
  CHECK_THROWS_AS(killed->check_lock(t, old.token), LockLost);
  next->check_lock(t, r.token);
}

TEST_CASE("a lock held from another host is never taken over") {
  TestState st;
  auto s = st.open();
  const auto t = s->target("https://api.xuna.ai", "fp");
  s->acquire_lock(t, 100, "hostB", kT0, alive);
  int asked = 0;
  const auto r = s->acquire_lock(t, 200, "hostA", kT1, [&](int) { return ++asked, false; });
  CHECK(r.kind == Kind::Held);
  CHECK(r.holder.host == "hostB");
  CHECK(asked == 0);  // a pid of another host says nothing here
}

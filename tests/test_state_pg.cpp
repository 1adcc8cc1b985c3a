// What only the PostgreSQL backend does: session locks the server drops, migrations under an
// advisory lock. Hidden; run by the state.postgresql CTest test ("[postgresql]").
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "pg_cluster.h"
#include "state/schema.h"
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
// The database name of a test URI: postgresql:///NAME?host=...
std::string database_of(const std::string& uri) {
  const std::string rest = uri.substr(std::string("postgresql:///").size());
  return rest.substr(0, rest.find('?'));
}
}  // namespace

TEST_CASE("a holder whose connection ends leaves no lock behind", "[.postgresql]") {
  TestState st;
  auto next = st.open();
  const auto t = next->target("https://api.xuna.ai", "fp");
  {
    auto killed = st.open();
    CHECK(killed->acquire_lock(t, 100, "hostA", kT0, alive).kind == Kind::Acquired);
    CHECK(next->acquire_lock(t, 200, "hostB", kT1, alive).kind == Kind::Held);
    CHECK(next->lock_holder(t)->pid == 100);
  }  // the process dies: its session, and the server drops the advisory lock
  for (int i = 0; i < 500 && next->lock_holder(t); ++i)  // the backend ends just after
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK_FALSE(next->lock_holder(t));  // the row left behind is not a holder
  const auto r = next->acquire_lock(t, 200, "hostB", kT1, alive);
  CHECK(r.kind == Kind::TakenOver);
  CHECK(r.holder.pid == 100);
  next->check_lock(t, r.token);
  CHECK(next->lock_holder(t)->pid == 200);
}

TEST_CASE("force_unlock cuts the holder's session: it gets LockLost, then works again",
          "[.postgresql]") {
  TestState st;
  auto holder = st.open();
  auto admin = st.open();
  const auto t = holder->target("https://api.xuna.ai", "fp");
  const auto lock = holder->acquire_lock(t, 100, "hostA", kT0, alive);
  REQUIRE(lock.kind == Kind::Acquired);
  admin->force_unlock(t);
  CHECK_FALSE(admin->lock_holder(t));
  CHECK_THROWS_AS(holder->check_lock(t, lock.token), LockLost);
  CHECK_THROWS_AS(holder->record_call_intent(t, 1, "a", "d", {{{"+15550000001", 1}, "d"}}, "k", kT0,
                                             lock.token),
                  LockLost);
  const auto next = admin->acquire_lock(t, 200, "hostA", kT1, alive);
  CHECK(next.kind != Kind::Held);
  // The cut session's store reconnects for what follows; the lock stays with the new holder.
  CHECK(holder->acquire_lock(t, 100, "hostA", kT1, alive).kind == Kind::Held);
  CHECK(holder->campaign_calls(t, "a").empty());
}

TEST_CASE("a database at schema 1 is migrated forward, and a newer one is refused",
          "[.postgresql]") {
  TestState st;
  detail::migrate_state_to(st.location(), 1);
  {
    auto ro = st.open(OpenMode::ReadOnly);
    CHECK(ro->schema_version() == 1);  // read as it is
    CHECK(ro->snapshots(1).empty());
  }
  auto s = st.open();
  CHECK(s->schema_version() == detail::latest_schema_version());
  const auto t = s->target("https://api.xuna.ai", "fp");
  s->record_call_intent(t, 1, "a", "d", {{{"+15550000001", 1}, "d"}}, "k", kT0, "");  // v4
  s.reset();
  REQUIRE(xs::test::shared_pg_cluster().psql(database_of(st.location()),
                                             "UPDATE xs_schema SET version = 99"));
  const std::string message = "was written by a newer xuna-sync (schema 99, this one knows " +
                              std::to_string(detail::latest_schema_version()) + ")";
  CHECK_THROWS_WITH(st.open(), Catch::Contains(message));
  CHECK_THROWS_WITH(st.open(OpenMode::ReadOnly), Catch::Contains(message));
}

TEST_CASE("runners opening a new database at once all get the latest schema", "[.postgresql]") {
  TestState st;
  std::atomic<int> ready{0}, ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      ready.fetch_add(1);
      while (ready.load() < 6) std::this_thread::yield();
      try {
        if (st.open()->schema_version() == detail::latest_schema_version()) ++ok;
      } catch (const StateError&) {
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 6);
}

TEST_CASE("a database never used, opened read-only, is empty and left alone", "[.postgresql]") {
  TestState st;
  {
    auto ro = st.open(OpenMode::ReadOnly);
    CHECK(ro->schema_version() == 0);
    CHECK_FALSE(ro->find_target("https://api.xuna.ai", "fp"));
    CHECK(ro->targets().empty());
    CHECK(ro->view(1).managed_numbers.empty());
    CHECK_FALSE(ro->lock_holder(0));
  }
  CHECK(st.open(OpenMode::ReadOnly)->schema_version() == 0);
}

TEST_CASE("a runner role without CREATE uses a database another role migrated", "[.postgresql]") {
  TestState st;
  st.open();  // migrated by the owner
  const std::string db = database_of(st.location());
  const std::string role = "runner_" + db;
  REQUIRE(xs::test::shared_pg_cluster().psql(
      db, "CREATE ROLE " + role + " LOGIN; REVOKE CREATE ON SCHEMA public FROM PUBLIC; " +
              "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role +
              "; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role));
  std::string uri = st.location();
  uri.replace(uri.find("user=postgres"), std::string("user=postgres").size(), "user=" + role);
  auto s = open_store(uri);
  const auto t = s->target("https://api.xuna.ai", "fp");
  const auto lock = s->acquire_lock(t, 1, "h", kT0, alive);
  CHECK(lock.kind == Kind::Acquired);
  s->record_call_intent(t, 1, "a", "d", {{{"+15550000001", 1}, "d"}}, "k", kT0, lock.token);
  s->release_lock(t, lock.token);
  s.reset();
  xs::test::shared_pg_cluster().psql(db, "DROP OWNED BY " + role + "; DROP ROLE " + role);
}

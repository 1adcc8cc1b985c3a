// Targets, runs, the action journal and managed numbers.
#include <catch2/catch.hpp>
#include <atomic>
#include <set>
#include <thread>

#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::state::testing::TempDir;

namespace {

const std::string kT0 = "2026-01-01T00:00:00Z";
const std::string kT1 = "2026-01-01T00:00:01Z";

ActionIntent intent(const std::string& kind, const std::string& number) {
  return ActionIntent{kind, number, kind + " " + number, "key-" + kind + number};
}

}  // namespace

TEST_CASE("a target is one row per api_url and key fingerprint") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  const auto a = s.target("https://api.xuna.ai", "fp1");
  CHECK(a > 0);
  CHECK(s.target("https://api.xuna.ai", "fp1") == a);
  CHECK(s.target("https://api.xuna.ai", "fp2") != a);
  CHECK(s.target("http://127.0.0.1:8080", "fp1") != a);
}

TEST_CASE("runs are listed newest first per target or for all with their api_url") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  const auto a = s.target("https://a.example", "fp");
  const auto b = s.target("https://b.example", "fp");
  const auto r1 = s.begin_run(a, "apply", kT0);
  const auto r2 = s.begin_run(b, "apply", kT0);
  const auto r3 = s.begin_run(a, "plan", kT1);
  s.finish_run(r1, "ok", kT1);

  const auto all = s.runs(0, 0);
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == r3);
  CHECK(all[1].id == r2);
  CHECK(all[1].api_url == "https://b.example");
  CHECK(all[2].id == r1);
  CHECK(all[2].outcome == "ok");
  CHECK(all[2].finished_at == kT1);
  CHECK(all[0].outcome == "running");
  CHECK(all[0].finished_at.empty());
  CHECK(all[0].command == "plan");
  CHECK(all[0].started_at == kT1);

  const auto of_a = s.runs(a, 10);
  REQUIRE(of_a.size() == 2);
  CHECK(of_a[0].id == r3);
  CHECK(of_a[0].api_url == "https://a.example");
  CHECK(s.runs(0, 1).size() == 1);
  CHECK_THROWS_AS(s.finish_run(r3 + 100, "ok", kT1), StateError);
}

TEST_CASE("an intent is committed before record_intent returns and then gets its outcome") {
  TempDir tmp;
  const std::string path = (tmp / "state.db");
  Store s(path);
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  const auto id = s.record_intent(run, intent("import", "+15551234567"), kT0);

  Store other(path);  // another process would see it now, even if this one were killed
  auto pending = other.unfinished_actions(t);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].id == id);
  CHECK(pending[0].run_id == run);
  CHECK(pending[0].kind == "import");
  CHECK(pending[0].phone_number == "+15551234567");
  CHECK(pending[0].detail == "import +15551234567");
  CHECK(pending[0].idempotency_key == "key-import+15551234567");
  CHECK(pending[0].outcome == "pending");
  CHECK(pending[0].started_at == kT0);
  CHECK(pending[0].finished_at.empty());

  s.record_outcome(id, "ok", "", "pn_1", kT1);
  CHECK(other.unfinished_actions(t).empty());
  const auto done = other.actions_of(run);
  REQUIRE(done.size() == 1);
  CHECK(done[0].outcome == "ok");
  CHECK(done[0].phone_number_id == "pn_1");
  CHECK(done[0].finished_at == kT1);
}

TEST_CASE("unfinished actions are the pending ones of that target oldest first") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  const auto a = s.target("https://a.example", "fp");
  const auto b = s.target("https://b.example", "fp");
  const auto killed = s.begin_run(a, "apply", kT0);
  const auto i1 = s.record_intent(killed, intent("import", "+15550000001"), kT0);
  const auto i2 = s.record_intent(killed, intent("assign", "+15550000002"), kT0);
  const auto i3 = s.record_intent(killed, intent("assign", "+15550000003"), kT0);
  s.record_outcome(i2, "failed", "HTTP 404 PATCH /v1/convai/phone-numbers/pn_2: not found", "",
                   kT1);
  const auto other = s.begin_run(b, "apply", kT0);
  s.record_intent(other, intent("import", "+15550000004"), kT0);

  const auto pending = s.unfinished_actions(a);
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].id == i1);
  CHECK(pending[1].id == i3);

  const auto all = s.actions_of(killed);
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == i1);
  CHECK(all[1].id == i2);
  CHECK(all[1].error == "HTTP 404 PATCH /v1/convai/phone-numbers/pn_2: not found");
  CHECK(all[2].id == i3);
}

TEST_CASE("journal writes that name nothing real are errors") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  const auto id = s.record_intent(run, intent("import", "+15551234567"), kT0);
  CHECK_THROWS_AS(s.record_intent(run + 1, intent("import", "+15551234567"), kT0), StateError);
  CHECK_THROWS_AS(s.record_outcome(id + 1, "ok", "", "", kT1), StateError);
  CHECK_THROWS_AS(s.record_outcome(id, "pending", "", "", kT1), StateError);
  CHECK_THROWS_AS(s.record_outcome(id, "", "", "", kT1), StateError);
}

TEST_CASE("managed numbers keep first_seen and their id unless a new one is given per target") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  const auto a = s.target("https://a.example", "fp");
  const auto b = s.target("https://b.example", "fp");
  s.mark_managed(a, "+15551234567", "pn_1", kT0);
  s.mark_managed(a, "+15551234567", "", kT1);
  s.mark_managed(b, "+15557654321", "pn_9", kT0);

  const auto m = s.managed_numbers(a);
  REQUIRE(m.size() == 1);
  CHECK(m[0].phone_number == "+15551234567");
  CHECK(m[0].phone_number_id == "pn_1");
  CHECK(m[0].first_seen == kT0);
  CHECK(m[0].last_applied == kT1);
  s.mark_managed(a, "+15551234567", "pn_2", kT1);
  CHECK(s.managed_numbers(a)[0].phone_number_id == "pn_2");

  CHECK(s.view(a).managed_numbers == std::set<std::string>{"+15551234567"});
  CHECK(s.view(b).managed_numbers == std::set<std::string>{"+15557654321"});
  CHECK(s.view(a + b + 1).managed_numbers.empty());
}

TEST_CASE("mark_managed_many writes ten thousand numbers in one transaction") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  const auto t = s.target("https://api.xuna.ai", "fp");
  std::vector<ManagedNumber> numbers;
  for (int i = 0; i < 10000; ++i) {
    numbers.push_back({"+1555" + std::to_string(1000000 + i), "pn_" + std::to_string(i), "", ""});
  }
  s.mark_managed_many(t, numbers, kT0);
  CHECK(s.view(t).managed_numbers.size() == 10000);
  CHECK(s.managed_numbers(t)[9999].phone_number_id == "pn_9999");
}

TEST_CASE("several threads share one Store") {
  TempDir tmp;
  Store s((tmp / "state.db"));
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  std::vector<std::thread> threads;
  for (int w = 0; w < 8; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        const std::string number = "+1555" + std::to_string(1000000 + w * 100 + i);
        const auto id = s.record_intent(run, intent("assign", number), kT0);
        s.record_outcome(id, "ok", "", "", kT1);
        s.mark_managed(t, number, "", kT1);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(s.actions_of(run).size() == 400);
  CHECK(s.unfinished_actions(t).empty());
  CHECK(s.view(t).managed_numbers.size() == 400);
}

TEST_CASE("32 threads journal at once: each write commits, and only bad ones fail") {
  TempDir tmp;
  const std::string path = (tmp / "state.db");
  Store s(path);
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  std::atomic<int> refused{0}, unseen{0};  // no Catch2 assertions in threads: not thread-safe
  std::vector<std::thread> threads;
  for (int w = 0; w < 32; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 40; ++i) {
        const std::string number = "+1555" + std::to_string(1000000 + w * 100 + i);
        const auto id = s.record_intent(run, intent("import", number), kT0);
        // Committed for any other connection once record_intent returns.
        Store other(path);
        bool seen = false;
        for (const auto& a : other.unfinished_actions(t)) seen = seen || a.id == id;
        if (!seen) ++unseen;
        if (i % 10 == 9) {  // a write naming nothing real, in among the others' good ones
          try {
            s.record_outcome(id + 1000000, "ok", "", "", kT1);
          } catch (const StateError&) {
            ++refused;
          }
          try {
            s.record_intent(run + 1000, intent("import", number), kT0);
          } catch (const StateError&) {
            ++refused;
          }
        }
        s.record_outcome(id, i % 2 ? "ok" : "failed", i % 2 ? "" : "boom", "", kT1);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(unseen == 0);
  CHECK(refused == 32 * 4 * 2);
  const auto actions = s.actions_of(run);
  REQUIRE(actions.size() == 32 * 40);
  std::set<std::int64_t> ids;
  int failed = 0;
  for (const auto& a : actions) {
    ids.insert(a.id);
    failed += a.outcome == "failed";
    CHECK((a.outcome == "ok" || (a.outcome == "failed" && a.error == "boom")));
  }
  CHECK(ids.size() == actions.size());
  CHECK(failed == 32 * 20);
  CHECK(s.unfinished_actions(t).empty());
}

// Targets, runs, the action journal and managed numbers.
#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::ActionKind;
using xs::Outcome;
using xs::RunOutcome;
using xs::state::testing::TestState;

namespace {

const std::string kT0 = "2026-01-01T00:00:00Z";
const std::string kT1 = "2026-01-01T00:00:01Z";

ActionIntent intent(ActionKind kind, const std::string& number) {
  const std::string word = xs::to_string(kind);
  ActionIntent i;
  i.kind = kind;
  i.phone_number = number;
  i.detail = word + " " + number;
  i.idempotency_key = "key-" + word + number;
  return i;
}

void mark_managed(Store& s, std::int64_t target, const std::string& number, const std::string& id,
                  const std::string& now) {
  s.mark_managed_many(target, {{number, id, "", ""}}, now);
}

}  // namespace

TEST_CASE("a target is one row per api_url and key fingerprint", "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto a = s.target("https://api.xuna.ai", "fp1");
  CHECK(a > 0);
  CHECK(s.target("https://api.xuna.ai", "fp1") == a);
  CHECK(s.target("https://api.xuna.ai", "fp2") != a);
  CHECK(s.target("http://127.0.0.1:8080", "fp1") != a);
}

TEST_CASE("runs are listed newest first per target or for all with their api_url",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto a = s.target("https://a.example", "fp");
  const auto b = s.target("https://b.example", "fp");
  const auto r1 = s.begin_run(a, "apply", kT0);
  const auto r2 = s.begin_run(b, "apply", kT0);
  const auto r3 = s.begin_run(a, "plan", kT1);
  s.finish_run(r1, RunOutcome::Ok, kT1);

  const auto all = s.runs(0, 0);
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == r3);
  CHECK(all[1].id == r2);
  CHECK(all[1].api_url == "https://b.example");
  CHECK(all[2].id == r1);
  CHECK(all[2].outcome == RunOutcome::Ok);
  CHECK(all[2].finished_at == kT1);
  CHECK(all[0].outcome == RunOutcome::Running);
  CHECK(all[0].finished_at.empty());
  CHECK(all[0].command == "plan");
  CHECK(all[0].started_at == kT1);

  const auto of_a = s.runs(a, 10);
  REQUIRE(of_a.size() == 2);
  CHECK(of_a[0].id == r3);
  CHECK(of_a[0].api_url == "https://a.example");
  CHECK(s.runs(0, 1).size() == 1);
  CHECK_THROWS_AS(s.finish_run(r3 + 100, RunOutcome::Ok, kT1), StateError);
}

TEST_CASE("an intent is committed before record_intent returns and then gets its outcome",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  const auto id = s.record_intent(run, intent(ActionKind::Import, "+15551234567"), kT0);

  auto other_store = st.open();  // another process would see it now, even if this one were killed
  Store& other = *other_store;
  auto pending = other.unfinished_actions(t);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].id == id);
  CHECK(pending[0].run_id == run);
  CHECK(pending[0].kind == ActionKind::Import);
  CHECK(pending[0].phone_number == "+15551234567");
  CHECK(pending[0].detail == "import +15551234567");
  CHECK(pending[0].idempotency_key == "key-import+15551234567");
  CHECK(pending[0].outcome == Outcome::Pending);
  CHECK(pending[0].started_at == kT0);
  CHECK(pending[0].finished_at.empty());

  s.record_outcome(id, Outcome::Ok, "", "pn_1", kT1);
  CHECK(other.unfinished_actions(t).empty());
  const auto done = other.actions_of(run);
  REQUIRE(done.size() == 1);
  CHECK(done[0].outcome == Outcome::Ok);
  CHECK(done[0].phone_number_id == "pn_1");
  CHECK(done[0].finished_at == kT1);
}

TEST_CASE("unfinished actions are the pending ones of that target oldest first", "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto a = s.target("https://a.example", "fp");
  const auto b = s.target("https://b.example", "fp");
  const auto killed = s.begin_run(a, "apply", kT0);
  const auto i1 = s.record_intent(killed, intent(ActionKind::Import, "+15550000001"), kT0);
  const auto i2 = s.record_intent(killed, intent(ActionKind::Assign, "+15550000002"), kT0);
  const auto i3 = s.record_intent(killed, intent(ActionKind::Assign, "+15550000003"), kT0);
  s.record_outcome(i2, Outcome::Failed, "HTTP 404 PATCH /v1/convai/phone-numbers/pn_2: not found",
                   "", kT1);
  const auto other = s.begin_run(b, "apply", kT0);
  s.record_intent(other, intent(ActionKind::Import, "+15550000004"), kT0);

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

TEST_CASE("journal writes that name nothing real are errors", "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  const auto id = s.record_intent(run, intent(ActionKind::Import, "+15551234567"), kT0);
  CHECK_THROWS_AS(s.record_intent(run + 1, intent(ActionKind::Import, "+15551234567"), kT0),
                  StateError);
  CHECK_THROWS_AS(s.record_outcome(id + 1, Outcome::Ok, "", "", kT1), StateError);
  CHECK_THROWS_AS(s.record_outcome(id, Outcome::Pending, "", "", kT1), StateError);
}

TEST_CASE("managed numbers keep first_seen and their id unless a new one is given per target",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto a = s.target("https://a.example", "fp");
  const auto b = s.target("https://b.example", "fp");
  mark_managed(s, a, "+15551234567", "pn_1", kT0);
  mark_managed(s, a, "+15551234567", "", kT1);
  mark_managed(s, b, "+15557654321", "pn_9", kT0);

  const auto m = s.managed_numbers(a);
  REQUIRE(m.size() == 1);
  CHECK(m[0].phone_number == "+15551234567");
  CHECK(m[0].phone_number_id == "pn_1");
  CHECK(m[0].first_seen == kT0);
  CHECK(m[0].last_applied == kT1);
  mark_managed(s, a, "+15551234567", "pn_2", kT1);
  CHECK(s.managed_numbers(a)[0].phone_number_id == "pn_2");

  CHECK(s.view(a).managed_numbers == std::set<std::string>{"+15551234567"});
  CHECK(s.view(b).managed_numbers == std::set<std::string>{"+15557654321"});
  CHECK(s.view(a + b + 1).managed_numbers.empty());
}

TEST_CASE("mark_managed_many writes ten thousand numbers in one transaction", "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  std::vector<ManagedNumber> numbers;
  for (int i = 0; i < 10000; ++i) {
    numbers.push_back({"+1555" + std::to_string(1000000 + i), "pn_" + std::to_string(i), "", ""});
  }
  s.mark_managed_many(t, numbers, kT0);
  CHECK(s.view(t).managed_numbers.size() == 10000);
  CHECK(s.managed_numbers(t)[9999].phone_number_id == "pn_9999");
}

TEST_CASE("several threads share one Store", "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  std::vector<std::thread> threads;
  for (int w = 0; w < 8; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        const std::string number = "+1555" + std::to_string(1000000 + w * 100 + i);
        const auto id = s.record_intent(run, intent(ActionKind::Assign, number), kT0);
        s.record_outcome(id, Outcome::Ok, "", "", kT1);
        mark_managed(s, t, number, "", kT1);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(s.actions_of(run).size() == 400);
  CHECK(s.unfinished_actions(t).empty());
  CHECK(s.view(t).managed_numbers.size() == 400);
}

TEST_CASE("32 threads journal at once: each write commits, and only bad ones fail",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  std::atomic<int> refused{0}, unseen{0};  // no Catch2 assertions in threads: not thread-safe
  std::vector<std::thread> threads;
  for (int w = 0; w < 32; ++w) {
    threads.emplace_back([&, w] {
      auto other = st.open();  // another connection, as another process has
      for (int i = 0; i < 40; ++i) {
        const std::string number = "+1555" + std::to_string(1000000 + w * 100 + i);
        const auto id = s.record_intent(run, intent(ActionKind::Import, number), kT0);
        // Committed for any other connection once record_intent returns.
        bool seen = false;
        for (const auto& a : other->unfinished_actions(t)) seen = seen || a.id == id;
        if (!seen) ++unseen;
        if (i % 10 == 9) {  // a write naming nothing real, in among the others' good ones
          try {
            s.record_outcome(id + 1000000, Outcome::Ok, "", "", kT1);
          } catch (const StateError&) {
            ++refused;
          }
          try {
            s.record_intent(run + 1000, intent(ActionKind::Import, number), kT0);
          } catch (const StateError&) {
            ++refused;
          }
        }
        s.record_outcome(id, i % 2 ? Outcome::Ok : Outcome::Failed, i % 2 ? "" : "boom", "", kT1);
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
    failed += a.outcome == Outcome::Failed;
    CHECK((a.outcome == Outcome::Ok || (a.outcome == Outcome::Failed && a.error == "boom")));
  }
  CHECK(ids.size() == actions.size());
  CHECK(failed == 32 * 20);
  CHECK(s.unfinished_actions(t).empty());
}

TEST_CASE("mark_managed_many takes a number twice in one call, its last id winning",
          "[conformance]") {
  TestState st;
  auto s = st.open();
  const auto t = s->target("https://api.xuna.ai", "fp");
  s->mark_managed_many(t,
                       {{"+15550000001", "pn_1", "", ""},
                        {"+15550000002", "", "", ""},
                        {"+15550000001", "pn_9", "", ""},
                        {"+15550000001", "", "", ""}},
                       kT0);
  const auto m = s->managed_numbers(t);
  REQUIRE(m.size() == 2);
  CHECK(m[0].phone_number_id == "pn_9");
  CHECK(m[1].phone_number_id.empty());
  s->mark_managed_many(t, {}, kT1);  // nothing to do
  CHECK(s->managed_numbers(t).size() == 2);
}

TEST_CASE("many intents and outcomes in one go: each written, the last outcome of each kept",
          "[conformance]") {
  // apply's group commit and outcome writer (issue 23): 450 intents in one transaction, their
  // outcomes in statements of 200 rows, an action given twice keeps the later one.
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  std::vector<ActionIntent> intents;
  for (int i = 0; i < 450; ++i)
    intents.push_back(intent(ActionKind::Assign, "+1555" + std::to_string(2000000 + i)));
  const auto ids = s.record_intents(run, intents, kT0);
  REQUIRE(ids.size() == 450);
  CHECK(std::set<std::int64_t>(ids.begin(), ids.end()).size() == 450);
  CHECK(s.unfinished_actions(t).size() == 450);

  std::vector<OutcomeRecord> outcomes;
  for (std::size_t i = 0; i < ids.size(); ++i)
    outcomes.push_back({ids[i], Outcome::Ok, "", "pn_" + std::to_string(i), kT1});
  outcomes.push_back({ids[7], Outcome::Failed, "it's \"odd\"", "", kT1});  // the later one counts
  s.record_outcomes(outcomes);
  CHECK(s.unfinished_actions(t).empty());
  for (const auto& a : s.actions_of(run)) {
    if (a.id == ids[7]) {
      CHECK(a.outcome == Outcome::Failed);
      CHECK(a.error == "it's \"odd\"");
    } else {
      CHECK(a.outcome == Outcome::Ok);
      CHECK(a.phone_number_id == "pn_" + std::to_string(a.id - ids[0]));
      CHECK(a.finished_at == kT1);
    }
  }
  CHECK_THROWS_AS(s.record_outcomes({{ids.back() + 1000, Outcome::Ok, "", "", kT1}}), StateError);
}

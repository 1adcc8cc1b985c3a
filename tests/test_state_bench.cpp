// Timings of the journal, hidden from normal runs: test_state "[.bench]" -s
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::state::testing::TestState;

namespace {

ActionIntent assign(const std::string& n) {
  ActionIntent i;
  i.kind = xs::ActionKind::Assign;
  i.phone_number = n;
  i.detail = "x -> y";
  i.idempotency_key = "key" + n;
  return i;
}

template <class F>
double millis(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

TEST_CASE("journal and managed-number timings", "[.bench]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", "now");

  const double journal = millis([&] {
    for (int i = 0; i < 2000; ++i) {
      const std::string n = "+1555" + std::to_string(1000000 + i);
      const auto id = s.record_intent(run, assign(n), "now");
      s.record_outcome(id, xs::Outcome::Ok, "", "pn", "now");
    }
  });
  const double threaded = millis([&] {
    std::vector<std::thread> workers;
    for (int w = 0; w < 32; ++w) {
      workers.emplace_back([&, w] {
        for (int i = 0; i < 63; ++i) {
          const std::string n = "+1556" + std::to_string(1000000 + w * 100 + i);
          const auto id = s.record_intent(run, assign(n), "now");
          s.record_outcome(id, xs::Outcome::Ok, "", "pn", "now");
        }
      });
    }
    for (auto& t : workers) t.join();
  });
  const double one_by_one = millis([&] {
    for (int i = 0; i < 10000; ++i) {
      s.mark_managed_many(t, {{"+1555" + std::to_string(2000000 + i), "pn", "", ""}}, "now");
    }
  });
  std::vector<ManagedNumber> many;
  for (int i = 0; i < 10000; ++i)
    many.push_back({"+1555" + std::to_string(3000000 + i), "pn", "", ""});
  const double in_one = millis([&] { s.mark_managed_many(t, many, "now"); });

  WARN("2,000 record_intent+record_outcome: " << journal << " ms");
  WARN("2,016 record_intent+record_outcome from 32 threads: " << threaded << " ms");
  WARN("10,000 mark_managed_many of one number: " << one_by_one << " ms");
  WARN("10,000 mark_managed_many: " << in_one << " ms");
  CHECK(s.actions_of(run).size() == 2000 + 32 * 63);
}

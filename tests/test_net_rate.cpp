// The shared adaptive rate, with a fake clock: pauses, cuts, slow growth, the ceiling, and
// 429s that do not use up the attempts meant for failures.
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "fakes.h"
#include "http/rate.h"
#include "http/retry.h"

using namespace xs;
using xs::test::FakeClock;
using xs::test::response;
using xs::test::ScriptedTransport;

namespace {

// The start times of n acquires in a row, relative to the first.
std::vector<double> starts(AdaptiveRate& rate, FakeClock& clock, int n) {
  std::vector<double> out;
  const double t0 = clock.monotonic();
  for (int i = 0; i < n; ++i) {
    rate.acquire();
    out.push_back(clock.monotonic() - t0);
  }
  return out;
}

}  // namespace

TEST_CASE("without an initial pace, no ceiling and no 429, requests are not paced") {
  FakeClock clock;
  AdaptiveRateOptions o;
  o.initial = 0;
  AdaptiveRate rate(o, clock);
  starts(rate, clock, 50);
  CHECK(clock.sleeps.empty());
  CHECK(rate.rate() == 0);
}

TEST_CASE("the ceiling (--max-rps) paces requests") {
  FakeClock clock;
  AdaptiveRateOptions o;
  o.ceiling = 10;
  AdaptiveRate rate(o, clock);
  CHECK(starts(rate, clock, 11).back() == Approx(1.0));
}

TEST_CASE("a 429 pauses every worker for Retry-After, then releases them one pace apart") {
  FakeClock clock;
  AdaptiveRateOptions o;
  o.ceiling = 10;
  AdaptiveRate rate(o, clock);
  auto permit = rate.acquire();
  rate.on_throttled(permit, 2.0);
  CHECK(rate.rate() == Approx(9));  // cut from 10 by 0.9 (the first cut)
  const auto t = starts(rate, clock, 4);
  CHECK(t[0] == Approx(2.0));           // the pause
  CHECK(t[1] - t[0] == Approx(1 / 9.0));  // then the cut pace, not a burst
  CHECK(t[3] - t[2] == Approx(1 / 9.0));
}

TEST_CASE("429s of requests sent before a cut cut the rate once") {
  FakeClock clock;
  AdaptiveRateOptions o;
  o.ceiling = 100;
  AdaptiveRate rate(o, clock);
  auto a = rate.acquire(), b = rate.acquire(), c = rate.acquire();
  rate.on_throttled(a, 1.0);
  const double cut = rate.rate();
  CHECK(cut == Approx(63));  // 0.9 of the 60 a second sent (less than the ceiling allowed),
                             // but one cut starts from at least 0.7 of the pace
  rate.on_throttled(b, 1.0);
  rate.on_throttled(c, 5.0);  // same episode: no second cut, no longer pause
  CHECK(rate.rate() == cut);
  CHECK(rate.paused_until() == Approx(clock.monotonic() + 1.0));
  auto d = rate.acquire();  // sent after the cut: its 429 is news
  rate.on_throttled(d, 1.0);
  CHECK(rate.rate() == Approx(cut * 0.9));  // later cuts: 0.9 of the pace
}

TEST_CASE("the first cut starts from the rate actually sent") {
  FakeClock clock;
  AdaptiveRateOptions o;
  o.initial = 0;
  AdaptiveRate rate(o, clock);
  AdaptiveRate::Permit last;
  for (int i = 0; i < 50; ++i) {  // 100 a second for half a second
    last = rate.acquire();
    clock.now += 0.01;
  }
  rate.on_throttled(last, 1.0);
  CHECK(rate.rate() == Approx(90).epsilon(0.05));
}

TEST_CASE("a slow start grows the first pace quickly until the first 429") {
  FakeClock clock;
  AdaptiveRate rate({}, clock);
  REQUIRE(rate.rate() == Approx(50));
  const auto t = starts(rate, clock, 2);
  CHECK(t[1] == Approx(0.02));  // paced from the start: no burst into an unknown limit
  for (int i = 0; i < 50; ++i) rate.on_success(rate.acquire());
  CHECK(rate.rate() > 100);  // more than doubled within about a second
  rate.on_throttled(rate.acquire(), 1.0);
  const double cut = rate.rate();
  for (int i = 0; i < 50; ++i) rate.on_success(rate.acquire());
  CHECK(rate.rate() < cut * 1.05);  // after it, growth is slow
}

TEST_CASE(
    "successes grow the rate back, slowly past 0.95 of the cut's reference, never past the "
    "ceiling") {
  FakeClock clock;
  AdaptiveRateOptions o;
  o.ceiling = 50;
  AdaptiveRate rate(o, clock);
  rate.on_throttled(rate.acquire(), 0.0);
  REQUIRE(rate.rate() == Approx(45));
  for (int i = 0; i < 45; ++i) rate.on_success(rate.acquire());  // about one second's worth
  const double regained = rate.rate();
  CHECK(regained > 46.35);  // quicker than +3% of 45 a second below 47.5 (0.95 of 50)
  CHECK(regained < 47.5);
  for (int i = 0; i < 90; ++i) rate.on_success(rate.acquire());  // two more seconds
  CHECK(rate.rate() < 47.5 + 2 * 1.35 + 0.1);                    // then +3% of 45 a second
  for (int i = 0; i < 5000; ++i) rate.on_success(rate.acquire());
  CHECK(rate.rate() == Approx(50));
}

TEST_CASE("the cut starts from the rate the server accepted when it is known") {
  FakeClock clock;
  AdaptiveRateOptions o;
  o.ceiling = 100;
  AdaptiveRate rate(o, clock);
  for (int i = 0; i < 20; ++i) rate.on_success(rate.acquire());  // all taken: says nothing
  clock.now += 1.5;                                              // idle (listing, planning)
  rate.on_throttled(rate.acquire(), 0.0);
  REQUIRE(rate.rate() == Approx(90));  // the first cut: from the pace
  AdaptiveRate::Permit last;
  for (int i = 0; i < 30; ++i) {  // then sent at about 90 a second, 4 in 5 accepted
    last = rate.acquire();
    if (i % 5 < 4) rate.on_success(last);
  }
  rate.on_throttled(last, 0.01);
  CHECK(rate.rate() == Approx(0.9 * 72).epsilon(0.06));  // 0.9 of what it took, not of 90
}

TEST_CASE("a 429 without Retry-After pauses for a backoff that doubles while 429s go on") {
  FakeClock clock;
  AdaptiveRate rate({}, clock);
  rate.on_throttled(rate.acquire(), std::nullopt);
  CHECK(rate.paused_until() - clock.monotonic() == Approx(0.5));
  rate.on_throttled(rate.acquire(), std::nullopt);
  CHECK(rate.paused_until() - clock.monotonic() == Approx(1.0));
  rate.on_success(rate.acquire());
  rate.on_throttled(rate.acquire(), std::nullopt);
  CHECK(rate.paused_until() - clock.monotonic() == Approx(0.5));
}

TEST_CASE("the cut never goes below the floor") {
  FakeClock clock;
  AdaptiveRateOptions o;
  o.ceiling = 1;
  AdaptiveRate rate(o, clock);
  for (int i = 0; i < 20; ++i) rate.on_throttled(rate.acquire(), 0.0);
  CHECK(rate.rate() == Approx(0.5));
}

TEST_CASE("429s do not use up the attempts meant for failures, within the time budget") {
  FakeClock clock;
  auto inner = std::make_shared<ScriptedTransport>();
  for (int i = 0; i < 7; ++i) inner->answers.push_back(response(429, "{}", {{"retry-after", "1"}}));
  inner->answers.push_back(response(503));
  inner->answers.push_back(response(200));
  auto shared = std::make_shared<AdaptiveRate>(AdaptiveRateOptions{}, clock);
  auto paced = std::make_shared<AdaptiveRateTransport>(inner, shared);
  RetryingTransport t(
      paced, RetryPolicy{}, clock, [] { return 0.5; }, shared);
  auto r = t.send({"PATCH", "/x", {}, "{}"});
  REQUIRE(r.ok());
  CHECK(r.value().status == 200);
  CHECK(inner->requests.size() == 9);  // 7 refusals, one failure, one success: no attempt spent on a 429
  CHECK(clock.now - 1000 >= 7);        // 7 shared pauses of Retry-After, then paced at the cut rate
  CHECK(clock.now - 1000 < 12);

  FakeClock clock2;  // but the retry budget in time still bounds them
  auto endless = std::make_shared<ScriptedTransport>();
  for (int i = 0; i < 200; ++i)
    endless->answers.push_back(response(429, "{}", {{"retry-after", "7"}}));
  auto shared2 = std::make_shared<AdaptiveRate>(AdaptiveRateOptions{}, clock2);
  RetryingTransport t2(
      std::make_shared<AdaptiveRateTransport>(endless, shared2), RetryPolicy{}, clock2,
      [] { return 0.5; }, shared2);
  CHECK(t2.send({"GET", "/x", {}, ""}).value().status == 429);
  CHECK(endless->requests.size() == 9);  // 8 pauses of 7 s fit in 60 s, a ninth would not
}

TEST_CASE("without a shared rate, a 429 backs off on its own and still does not count") {
  FakeClock clock;
  auto inner = std::make_shared<ScriptedTransport>();
  for (int i = 0; i < 6; ++i) inner->answers.push_back(response(429));
  inner->answers.push_back(response(200));
  RetryingTransport t(inner, RetryPolicy{}, clock, [] { return 0.5; });
  CHECK(t.send({"GET", "/x", {}, ""}).value().status == 200);
  CHECK(inner->requests.size() == 7);
}

namespace {

// Answers 200 after a few milliseconds, counting what is in flight at each start.
class CountingTransport final : public Transport {
 public:
  Result<HttpResponse> send(const HttpRequest&) override {
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++in_flight;
      worst_excess = std::max(worst_excess, in_flight - completed);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::lock_guard<std::mutex> lock(mutex);
    --in_flight;
    ++completed;
    return HttpResponse{200, "OK", {}, "{}"};
  }
  std::string base_url() const override { return "http://x"; }

  std::mutex mutex;
  int in_flight = 0;
  int completed = 0;
  int worst_excess = 0;  // most in flight beyond the answers received so far
};

}  // namespace

TEST_CASE("unpaced, the workers start with a window of 8 in flight that grows by one a success") {
  FakeClock clock;
  AdaptiveRateOptions o;
  o.initial = 0;
  auto inner = std::make_shared<CountingTransport>();
  AdaptiveRateTransport t(inner, std::make_shared<AdaptiveRate>(o, clock));
  std::vector<std::thread> workers;
  for (int i = 0; i < 32; ++i)
    workers.emplace_back([&] { CHECK(t.send({"GET", "/x", {}, ""}).value().status == 200); });
  for (auto& w : workers) w.join();
  CHECK(inner->completed == 32);
  CHECK(inner->worst_excess <= 8);  // 32 workers, yet never more than 8 beyond the answers
}

// The retry policy and RetryingTransport, with a fake clock: instant and deterministic.
#include <catch2/catch.hpp>

#include "fakes.h"
#include "http/retry.h"

using namespace xs;
using xs::test::FakeClock;
using xs::test::response;
using xs::test::ScriptedTransport;

namespace {

ApiError transport_error(bool maybe_committed) {
  ApiError e;
  e.kind = ErrorKind::Transient;
  e.message = "connection reset";
  e.maybe_committed = maybe_committed;
  return e;
}

struct Rig {
  std::shared_ptr<ScriptedTransport> inner = std::make_shared<ScriptedTransport>();
  FakeClock clock;
  RetryPolicy policy;
  RetryingTransport transport{inner, policy, clock, [] { return 0.5; }};
  Result<HttpResponse> send(const std::string& method) {
    return transport.send(HttpRequest{method, "/v1/x", {}, ""});
  }
};

}  // namespace

TEST_CASE("backoff grows exponentially, is capped, and is fully jittered") {
  RetryPolicy p;
  p.base_delay = 0.25;
  p.max_delay = 8;
  CHECK(backoff_delay(p, 1, std::nullopt, 0.999999) == Approx(0.25).epsilon(1e-3));
  CHECK(backoff_delay(p, 2, std::nullopt, 0.999999) == Approx(0.5).epsilon(1e-3));
  CHECK(backoff_delay(p, 3, std::nullopt, 0.5) == Approx(0.5));
  CHECK(backoff_delay(p, 10, std::nullopt, 0.999999) == Approx(8).epsilon(1e-3));
  CHECK(backoff_delay(p, 4, std::nullopt, 0.0) == 0.0);
}

TEST_CASE("Retry-After is a floor on the backoff, with the jitter on top") {
  RetryPolicy p;
  CHECK(backoff_delay(p, 1, 3.0, 0.0) == 3.0);
  CHECK(backoff_delay(p, 1, 3.0, 0.5) == Approx(3.125));
  // two workers told "1" must not retry in lockstep (found by test_faults.py: a rate limit
  // of 10/s met by 2 workers gave up on a PATCH after 5 attempts, all exactly 1.00 s apart)
  CHECK(backoff_delay(p, 1, 1.0, 0.1) != backoff_delay(p, 1, 1.0, 0.9));
  CHECK(parse_retry_after("2") == std::optional<double>(2.0));
  CHECK(parse_retry_after(" 1.5") == std::optional<double>(1.5));
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT").has_value());
  CHECK_FALSE(parse_retry_after("-1").has_value());
}

TEST_CASE("transient statuses are 429, 500, 502, 503, 504") {
  for (int s : {429, 500, 502, 503, 504}) CHECK(is_transient_status(s));
  for (int s : {200, 400, 401, 404, 409, 422, 501}) CHECK_FALSE(is_transient_status(s));
}

TEST_CASE("a 429 is retried after its Retry-After, for any method") {
  Rig rig;
  rig.inner->answers = {response(429, "{}", {{"retry-after", "2"}}), response(200)};
  auto r = rig.send("POST");
  REQUIRE(r.ok());
  CHECK(r.value().status == 200);
  CHECK(rig.inner->requests.size() == 2);
  REQUIRE(rig.clock.sleeps.size() == 1);
  CHECK(rig.clock.sleeps[0] == Approx(2.125));  // Retry-After + jitter (0.5 of 0.25 s)
}

TEST_CASE("a 5xx is retried for GET and PATCH but handed back for POST") {
  Rig rig;
  rig.inner->answers = {response(503), response(502), response(200)};
  CHECK(rig.send("GET").value().status == 200);
  CHECK(rig.inner->requests.size() == 3);

  Rig post;
  post.inner->answers = {response(500), response(200)};
  CHECK(post.send("POST").value().status == 500);
  CHECK(post.inner->requests.size() == 1);
}

TEST_CASE("a connection lost after sending is retried only when idempotent") {
  Rig patch;
  patch.inner->answers = {transport_error(true), response(200)};
  CHECK(patch.send("PATCH").ok());
  CHECK(patch.inner->requests.size() == 2);

  Rig post;
  post.inner->answers = {transport_error(true), response(200)};
  auto r = post.send("POST");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().maybe_committed);
  CHECK(post.inner->requests.size() == 1);

  Rig refused;  // refused before sending: safe for a POST too
  refused.inner->answers = {transport_error(false), response(200)};
  CHECK(refused.send("POST").ok());
}

TEST_CASE("other 4xx are never retried") {
  for (int s : {400, 401, 404, 409, 422}) {
    Rig rig;
    rig.inner->answers = {response(s), response(200)};
    CHECK(rig.send("GET").value().status == s);
    CHECK(rig.inner->requests.size() == 1);
    CHECK(rig.clock.sleeps.empty());
  }
}

TEST_CASE("attempts are bounded") {
  Rig rig;
  for (int i = 0; i < 10; ++i) rig.inner->answers.push_back(response(503));
  CHECK(rig.send("GET").value().status == 503);
  CHECK(rig.inner->requests.size() == static_cast<std::size_t>(rig.policy.max_attempts));
}

TEST_CASE("total retry time is bounded") {
  Rig rig;
  for (int i = 0; i < 10; ++i) rig.inner->answers.push_back(response(429, "{}", {{"retry-after", "40"}}));
  CHECK(rig.send("GET").value().status == 429);
  CHECK(rig.inner->requests.size() == 2);  // 40 s waited once; a second 40 s would pass 60 s
}

TEST_CASE("the token bucket spaces requests at the given rate") {
  FakeClock clock;
  TokenBucket bucket(10, 1, clock);
  const double start = clock.monotonic();
  for (int i = 0; i < 11; ++i) bucket.acquire();
  CHECK(clock.monotonic() - start == Approx(1.0).epsilon(0.01));
}

TEST_CASE("no retry is waited for past the run's deadline, whatever Retry-After asks") {
  auto inner = std::make_shared<ScriptedTransport>();
  FakeClock clock;
  RetryPolicy policy;
  policy.deadline = clock.now + 45;  // --deadline, as the clock counts
  RetryingTransport transport{inner, policy, clock, [] { return 0.5; }};
  for (int i = 0; i < 10; ++i) inner->answers.push_back(response(429, "{}", {{"retry-after", "30"}}));
  auto r = transport.send(HttpRequest{"POST", "/v1/x", {}, ""});
  REQUIRE(r.ok());
  CHECK(r.value().status == 429);  // handed back: the second wait would end after the deadline
  CHECK(inner->requests.size() == 2);
  CHECK(clock.now <= policy.deadline);
  CHECK(clock.sleeps.size() == 1);
}

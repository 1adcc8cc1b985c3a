#pragma once
// Retry only what is transient, with bounded attempts, exponential backoff, full jitter, and
// Retry-After honoured. Pure policy plus a Transport decorator; the clock is injected.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "http/transport.h"
#include "util/clock.h"

namespace xs {

struct RetryPolicy {
  int max_attempts = 8;      // including the first; a 429 does not count (nothing was done).
                             // At 20% 5xx, 5 gave up on about one request in 3,000: one run
                             // in seven of 450 requests; 8: one in 390,000 (max_total bounds)
  int max_throttled = 100;   // 429s in one request before giving up (max_total bounds them too)
  double base_delay = 0.25;  // seconds; the cap doubles each retry
  double max_delay = 8;      // seconds, cap of one backoff (Retry-After may exceed it)
  double max_total = 60;     // seconds: no retry starts after this much time in one request
  double deadline = 0;       // monotonic seconds (the clock's): no retry is waited for past
                             // it, whatever Retry-After asks (--deadline); 0 = none
};

// True for the statuses docs/DESIGN.md §1 calls transient: 429, 500, 502, 503, 504.
bool is_transient_status(int status);

// Seconds to wait before retry number `retry` (1 = first retry): full jitter,
// uniform in [0, min(max_delay, base_delay * 2^(retry-1))) scaled by random01 in [0,1),
// added to retry_after when the server sent one (never sooner than it asked).
double backoff_delay(const RetryPolicy& policy, int retry, std::optional<double> retry_after,
                     double random01);

// Parses a Retry-After header given in seconds; nullopt for dates or garbage.
std::optional<double> parse_retry_after(const std::string& value);

class AdaptiveRate;

// Retries transient failures of the inner transport. A request that may have been acted on
// (a 5xx answer, or a connection lost after sending) is retried only when it is idempotent
// (GET, PATCH, PUT); a POST gets it back, marked maybe_committed, for its caller to resolve.
// A 429 is always retried and does not use up max_attempts; when `shared` (the rate the inner
// transport is paced by) is given, it waits through that pause instead of a backoff of its own.
class RetryingTransport final : public Transport {
 public:
  RetryingTransport(std::shared_ptr<Transport> inner, RetryPolicy policy, Clock& clock,
                    std::function<double()> random01,
                    std::shared_ptr<AdaptiveRate> shared = nullptr);
  Result<HttpResponse> send(const HttpRequest& request) override;
  std::string base_url() const override { return inner_->base_url(); }

 private:
  double random01();

  std::shared_ptr<Transport> inner_;
  RetryPolicy policy_;
  Clock& clock_;
  std::function<double()> random01_;
  std::shared_ptr<AdaptiveRate> shared_;
  std::mutex random_mutex_;  // workers retry at the same time; random01_ need not be thread-safe
};

// A thread-safe token bucket: at most `rate` requests a second on average, bursts of `burst`.
class TokenBucket {
 public:
  TokenBucket(double rate, double burst, Clock& clock);
  // Blocks (through the clock) until a token is available, then takes it.
  void acquire();

 private:
  struct State;
  std::shared_ptr<State> state_;
  Clock& clock_;
};

// Sends through the inner transport no faster than the bucket allows (--max-rps).
class RateLimitedTransport final : public Transport {
 public:
  RateLimitedTransport(std::shared_ptr<Transport> inner, double rate, Clock& clock);
  Result<HttpResponse> send(const HttpRequest& request) override;
  std::string base_url() const override { return inner_->base_url(); }

 private:
  std::shared_ptr<Transport> inner_;
  TokenBucket bucket_;
};

}  // namespace xs

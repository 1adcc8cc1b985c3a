#include "http/retry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "http/rate.h"
#include "util/log.h"

namespace xs {
namespace {

bool is_idempotent(const std::string& method) {
  return method == "GET" || method == "PATCH" || method == "PUT" || method == "HEAD";
}

std::string describe(const Result<HttpResponse>& r) {
  if (!r.ok()) return r.error().message;
  return std::to_string(r.value().status) + " " + r.value().reason;
}

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

}  // namespace

bool is_transient_status(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

double backoff_delay(const RetryPolicy& policy, int retry, std::optional<double> retry_after,
                     double random01) {
  const double cap = std::min(policy.max_delay, policy.base_delay * std::ldexp(1.0, retry - 1));
  const double jittered = cap * std::clamp(random01, 0.0, 1.0);
  // The jitter goes on top of Retry-After: workers told the same Retry-After would otherwise
  // retry in lockstep and meet the server's limit again together.
  return retry_after ? *retry_after + jittered : jittered;
}

std::optional<double> parse_retry_after(const std::string& value) {
  if (value.empty()) return std::nullopt;
  char* end = nullptr;
  const double seconds = std::strtod(value.c_str(), &end);
  while (end && *end == ' ') ++end;
  if (!end || *end != '\0' || !(seconds >= 0) || seconds > 3600) return std::nullopt;
  return seconds;
}

RetryingTransport::RetryingTransport(std::shared_ptr<Transport> inner, RetryPolicy policy,
                                     Clock& clock, std::function<double()> random01,
                                     std::shared_ptr<AdaptiveRate> shared)
    : inner_(std::move(inner)),
      policy_(policy),
      clock_(clock),
      random01_(std::move(random01)),
      shared_(std::move(shared)) {}

double RetryingTransport::random01() {
  std::lock_guard<std::mutex> lock(random_mutex_);
  return random01_();
}

Result<HttpResponse> RetryingTransport::send(const HttpRequest& request) {
  const double start = clock_.monotonic();
  const bool idempotent = is_idempotent(request.method);
  int attempt = 0;    // sends that failed (or may have done the work)
  int throttled = 0;  // sends answered 429: refused before any work
  for (;;) {
    Result<HttpResponse> result = inner_->send(request);
    std::optional<double> retry_after;
    bool retryable = false;
    bool refused = false;
    if (result.ok()) {
      const int status = result.value().status;
      if (is_transient_status(status)) {
        auto it = result.value().headers.find("retry-after");
        if (it != result.value().headers.end()) retry_after = parse_retry_after(it->second);
        // A 429 was refused before any work; any 5xx may have done the work.
        refused = status == 429;
        retryable = refused || idempotent;
      }
    } else {
      const ApiError& e = result.error();
      retryable = e.kind == ErrorKind::Transient && (idempotent || !e.maybe_committed);
    }
    if (!retryable) return result;
    const std::string what = request.method + " " + request.target;
    if (refused ? ++throttled >= policy_.max_throttled : ++attempt >= policy_.max_attempts) {
      log_warn(what + ": giving up after " + std::to_string(attempt + throttled) + " attempts (" +
               std::to_string(throttled) + " answered 429; " + describe(result) + ")");
      return result;
    }
    // A 429 under a shared pause waits through it (the next send blocks in it); otherwise a
    // backoff of this request's own.
    // The shared rate paces the resend too (a short, honest Retry-After may be over already):
    // a backoff of its own on top would idle a worker the server would have taken.
    const double now = clock_.monotonic();
    const bool shared_pause = refused && shared_;
    const double delay = shared_pause ? std::max(0.0, shared_->paused_until() - now)
                                      : backoff_delay(policy_, refused ? throttled : attempt,
                                                      retry_after, random01());
    if (policy_.deadline > 0 && now + delay > policy_.deadline) {
      log_warn(what + ": not retried, the run's deadline (--deadline) comes first (" +
               describe(result) + ")");
      return result;
    }
    if (now - start + delay > policy_.max_total) {
      log_warn(what + ": giving up, retry budget of " + format_seconds(policy_.max_total) +
               " spent (" + describe(result) + ")");
      return result;
    }
    // A 429 counts against its own bound (the server said it did nothing), not the attempts
    // meant for failures; either way each retry is logged once.
    const int tries = refused ? throttled + 1 : attempt + 1;
    const int bound = refused ? policy_.max_throttled : policy_.max_attempts;
    log_info("retrying " + what + " in " + format_seconds(delay) + " (attempt " +
             std::to_string(tries) + " of " + std::to_string(bound) + ") after " +
             describe(result));
    if (!shared_pause) clock_.sleep(delay);
  }
}

struct TokenBucket::State {
  std::mutex mutex;
  double rate, burst, tokens, last;
};

TokenBucket::TokenBucket(double rate, double burst, Clock& clock)
    : state_(std::make_shared<State>()), clock_(clock) {
  state_->rate = rate;
  state_->burst = std::max(1.0, burst);
  state_->tokens = state_->burst;
  state_->last = clock.monotonic();
}

void TokenBucket::acquire() {
  for (;;) {
    double wait;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      const double now = clock_.monotonic();
      state_->tokens = std::min(state_->burst, state_->tokens + (now - state_->last) * state_->rate);
      state_->last = now;
      if (state_->tokens >= 1) {
        state_->tokens -= 1;
        return;
      }
      wait = (1 - state_->tokens) / state_->rate;
    }
    clock_.sleep(wait);
  }
}

RateLimitedTransport::RateLimitedTransport(std::shared_ptr<Transport> inner, double rate,
                                           Clock& clock)
    : inner_(std::move(inner)), bucket_(rate, 1, clock) {}

Result<HttpResponse> RateLimitedTransport::send(const HttpRequest& request) {
  bucket_.acquire();
  return inner_->send(request);
}

}  // namespace xs

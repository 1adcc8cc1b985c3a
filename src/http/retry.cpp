#include "http/retry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>

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
                                     Clock& clock, std::function<double()> random01)
    : inner_(std::move(inner)), policy_(policy), clock_(clock), random01_(std::move(random01)) {}

double RetryingTransport::random01() {
  std::lock_guard<std::mutex> lock(random_mutex_);
  return random01_();
}

Result<HttpResponse> RetryingTransport::send(const HttpRequest& request) {
  const double start = clock_.monotonic();
  const bool idempotent = is_idempotent(request.method);
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> result = inner_->send(request);
    std::optional<double> retry_after;
    bool retryable = false;
    if (result.ok()) {
      const int status = result.value().status;
      if (is_transient_status(status)) {
        auto it = result.value().headers.find("retry-after");
        if (it != result.value().headers.end()) retry_after = parse_retry_after(it->second);
        // A 429 was refused before any work; any 5xx may have done the work.
        retryable = status == 429 || idempotent;
      }
    } else {
      const ApiError& e = result.error();
      retryable = e.kind == ErrorKind::Transient && (idempotent || !e.maybe_committed);
    }
    if (!retryable) return result;
    if (attempt >= policy_.max_attempts) {
      log_warn(request.method + " " + request.target + ": giving up after " +
               std::to_string(attempt) + " attempts (" + describe(result) + ")");
      return result;
    }
    const double delay = backoff_delay(policy_, attempt, retry_after, random01());
    if (clock_.monotonic() - start + delay > policy_.max_total) {
      log_warn(request.method + " " + request.target + ": giving up, retry budget of " +
               format_seconds(policy_.max_total) + " spent (" + describe(result) + ")");
      return result;
    }
    log_info("retrying " + request.method + " " + request.target + " in " +
             format_seconds(delay) + " (attempt " + std::to_string(attempt + 1) + " of " +
             std::to_string(policy_.max_attempts) + ") after " + describe(result));
    clock_.sleep(delay);
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

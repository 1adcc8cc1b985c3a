#include "http/rate.h"

#include <algorithm>
#include <cmath>

#include "http/retry.h"

namespace xs {

AdaptiveRate::AdaptiveRate(AdaptiveRateOptions options, Clock& clock)
    : options_(options), clock_(clock) {
  rate_ = options_.ceiling > 0 ? options_.ceiling : options_.initial;
}

double AdaptiveRate::pace() const {
  if (rate_ <= 0) return options_.ceiling;
  return options_.ceiling > 0 ? std::min(rate_, options_.ceiling) : rate_;
}

double AdaptiveRate::recent_send_rate(double now) const {
  if (sends_.size() < 2) return 0;
  // Over the last second, or since the first send of it when the burst was shorter.
  const double span = std::max(now - sends_.front(), 0.05);
  return static_cast<double>(sends_.size()) / std::min(span, 1.0);
}

AdaptiveRate::Permit AdaptiveRate::acquire() {
  for (;;) {
    double wait = 0;
    Permit permit;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const double now = clock_.monotonic();
      const double start = std::max(now, paused_until_);
      const double p = pace();
      const double slot = p > 0 ? std::max(start, next_slot_) : start;
      if (slot <= now) {
        if (p > 0) next_slot_ = std::max(next_slot_, now) + 1 / p;
        sends_.push_back(now);
        while (!sends_.empty() && sends_.front() < now - 1) sends_.pop_front();
        permit.episode = episode_;
        return permit;
      }
      // Not yet: reserve the slot so the next worker queues one pace behind this one.
      if (p > 0) next_slot_ = slot + 1 / p;
      wait = slot - now;
    }
    clock_.sleep(wait);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const double now = clock_.monotonic();
      if (paused_until_ <= now) {  // no pause began while this worker slept
        sends_.push_back(now);
        while (!sends_.empty() && sends_.front() < now - 1) sends_.pop_front();
        permit.episode = episode_;
        return permit;
      }
    }
  }
}

void AdaptiveRate::on_success(const Permit&) {
  std::lock_guard<std::mutex> lock(mutex_);
  episodes_in_a_row_ = 0;
  if (rate_ <= 0) return;
  // Grow only while the rate is used: a pace far above what the workers ask for says nothing
  // about the server, and would burst when they ask for more.
  if (recent_send_rate(clock_.monotonic()) < 0.5 * rate_) return;
  if (slow_start_) {
    rate_ += options_.slow_start_gain;  // gain * rate_ a second: exponential growth
  } else {
    rate_ += step_ / rate_;  // additive: step_ a second, spread over that second's successes
  }
  if (options_.ceiling > 0) rate_ = std::min(rate_, options_.ceiling);
}

void AdaptiveRate::on_throttled(const Permit& permit, std::optional<double> retry_after) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (permit.episode != episode_) return;  // sent before the last cut: already answered for
  ++episode_;
  ++episodes_in_a_row_;
  const double now = clock_.monotonic();
  double pause =
      retry_after
          ? std::min(*retry_after, options_.max_pause)
          : std::min(options_.backoff_max,
                     options_.backoff_base * std::ldexp(1.0, std::min(episodes_in_a_row_, 30) - 1));
  paused_until_ = std::max(paused_until_, now + pause);
  // Cut from the rate actually sent when the workers used less than the pace allows.
  const double sent = recent_send_rate(now);
  double reference = pace();
  if (reference <= 0 || (sent > 0 && sent < reference)) reference = sent;
  if (reference <= 0) reference = 1 / std::max(pause, 0.1);
  rate_ = std::max(options_.floor,
                   reference * (slow_start_ ? options_.first_decrease : options_.decrease));
  slow_start_ = false;
  step_ = std::max(0.1, rate_ * options_.increase);
  next_slot_ = std::max(paused_until_, now);  // after the pause, one pace apart from there
  sends_.clear();
}

double AdaptiveRate::rate() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pace();
}

double AdaptiveRate::paused_until() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return paused_until_;
}

Result<HttpResponse> AdaptiveRateTransport::send(const HttpRequest& request) {
  const AdaptiveRate::Permit permit = rate_->acquire();
  Result<HttpResponse> r = inner_->send(request);
  if (!r.ok()) return r;
  const int status = r.value().status;
  if (status == 429) {
    auto it = r.value().headers.find("retry-after");
    rate_->on_throttled(
        permit, it == r.value().headers.end() ? std::nullopt : parse_retry_after(it->second));
  } else if (status < 500) {
    rate_->on_success(permit);
  }
  return r;
}

}  // namespace xs

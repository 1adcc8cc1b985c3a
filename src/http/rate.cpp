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

double AdaptiveRate::accepted_rate(double now) const {
  // What the server took since the first 429 (the workers have pushed against its limit since;
  // before it they may have idled, listing and planning) is the best guess of that limit, once
  // there is enough of it to tell: a short window holds the burst its bucket allowed.
  if (accepted_since_ < 0 || now - accepted_since_ < 0.25) return 0;
  const auto count =
      std::count_if(accepted_.begin(), accepted_.end(), [&](double t) { return t >= now - 1; });
  if (count < 2) return 0;
  return static_cast<double>(count) / std::min(now - accepted_since_, 1.0);
}

AdaptiveRate::Permit AdaptiveRate::acquire() {
  for (;;) {
    double wait = 0;
    Permit permit;
    std::uint64_t reserved_in = 0;
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
        permit.sent = now;
        return permit;
      }
      if (options_.deadline > 0 && slot > options_.deadline) {
        permit.past_deadline = true;
        return permit;
      }
      // Not yet: reserve the slot so the next worker queues one pace behind this one.
      if (p > 0) next_slot_ = slot + 1 / p;
      wait = slot - now;
      reserved_in = episode_;
    }
    clock_.sleep(wait);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const double now = clock_.monotonic();
      // No pause began and the rate was not cut while this worker slept: a slot reserved at
      // the old pace would overrun the new one, so after a cut it queues again.
      if (paused_until_ <= now && episode_ == reserved_in) {
        sends_.push_back(now);
        while (!sends_.empty() && sends_.front() < now - 1) sends_.pop_front();
        permit.episode = episode_;
        permit.sent = now;
        return permit;
      }
    }
  }
}

void AdaptiveRate::on_success(const Permit& permit) {
  std::lock_guard<std::mutex> lock(mutex_);
  episodes_in_a_row_ = 0;
  const double now = clock_.monotonic();
  if (permit.sent > 0 && now >= permit.sent)
    answer_time_ = answer_time_ > 0 ? 0.8 * answer_time_ + 0.2 * (now - permit.sent)
                                    : now - permit.sent;
  accepted_.push_back(now);
  while (!accepted_.empty() && accepted_.front() < now - 1) accepted_.pop_front();
  if (rate_ <= 0) return;
  // Grow only while the rate is used: a pace far above what the workers ask for says nothing
  // about the server, and would burst when they ask for more.
  if (recent_send_rate(now) < 0.5 * rate_) return;
  if (slow_start_) {
    rate_ += options_.slow_start_gain;  // gain * rate_ a second: exponential growth
  } else {
    // Additive: step_ a second, spread over that second's successes; quicker while well below
    // the rate of the last cut (its reference may have been a short, noisy sample).
    double grow = step_;
    if (rate_ < regain_) grow = std::max(grow, (regain_ - rate_) * options_.regain);
    rate_ += grow / rate_;
  }
  if (options_.ceiling > 0) rate_ = std::min(rate_, options_.ceiling);
}

void AdaptiveRate::on_throttled(const Permit& permit, std::optional<double> retry_after) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (permit.episode != episode_) return;  // sent before the last cut: already answered for
  const double now = clock_.monotonic();
  // Sent less than one answer time after the first, deep cut: the pace it went at is the cut
  // itself, and says nothing of the limit. It cuts as any other, but neither ends the slow
  // start nor lowers the quick regain's aim (otherwise the rate crept back from a pace cut
  // twice at 3% a second: 1.3x the ideal at 200/s one run in five, and a third of the
  // convergence runs at 40/s took twice as long).
  const bool echo = episode_ == 1 && permit.sent < last_cut_ + answer_time_;
  const double regain_before = regain_;
  const bool slow_start_before = slow_start_;
  ++episode_;
  ++episodes_in_a_row_;
  last_cut_ = now;
  if (accepted_since_ < 0) {
    accepted_since_ = now;
    accepted_.clear();
  }
  double pause =
      retry_after
          ? std::min(*retry_after, options_.max_pause)
          : std::min(options_.backoff_max,
                     options_.backoff_base * std::ldexp(1.0, std::min(episodes_in_a_row_, 30) - 1));
  paused_until_ = std::max(paused_until_, now + pause);
  // Cut from what the server accepted when that is known, else from the rate actually sent
  // when the workers used less than the pace allows.
  const double sent = recent_send_rate(now);
  const double accepted = accepted_rate(now);
  const bool was_unpaced = pace() <= 0;
  double reference = pace();
  if (reference <= 0 || (sent > 0 && sent < reference)) reference = sent;
  if (accepted > 0 && (reference <= 0 || accepted < reference)) reference = accepted;
  // Both samples may hold idle time (a phase ending, a re-list), and a sample of a few
  // milliseconds since the last cut says little: paced, one cut starts from at least
  // min_reference of the pace, and more cuts follow if that is still too fast.
  if (!was_unpaced) reference = std::max(reference, options_.min_reference * pace());
  if (reference <= 0) reference = 1 / std::max(pause, 0.1);
  // Only the very first cut is deep: later ones start from a better reference.
  rate_ = std::max(options_.floor,
                   reference * (episode_ == 1 ? options_.first_decrease : options_.decrease));
  // A first 429 met unpaced tells little (what was sent includes the idle time before the
  // writes): the rate goes on growing quickly until a 429 met at a pace.
  slow_start_ = was_unpaced && accepted <= 0;
  step_ = std::max(0.1, rate_ * options_.increase);
  regain_ = reference * options_.regain_to;
  if (echo) {  // an echo of the first cut ends neither its slow start nor its regain's aim
    slow_start_ = slow_start_ || slow_start_before;
    regain_ = std::max(regain_, regain_before);
  }
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
  {
    // Unpaced (no ceiling, no 429 yet): a window of requests in flight that doubles each round
    // trip, so an unknown limit meets a few requests, not all the workers at once.
    std::unique_lock<std::mutex> lock(window_mutex_);
    if (window_ < 0) window_ = std::max(1, rate_->initial_window());
    window_free_.wait(lock, [&] { return in_flight_ < window_ || rate_->rate() > 0; });
    ++in_flight_;
  }
  const AdaptiveRate::Permit permit = rate_->acquire();
  if (permit.past_deadline) {
    {
      std::lock_guard<std::mutex> lock(window_mutex_);
      --in_flight_;
    }
    window_free_.notify_all();
    ApiError e;
    e.kind = ErrorKind::Transient;
    e.message = request.method + " " + request.target +
                ": not sent, the server asked to wait past the run's deadline (--deadline)";
    return e;
  }
  Result<HttpResponse> r = inner_->send(request);
  {
    std::lock_guard<std::mutex> lock(window_mutex_);
    --in_flight_;
    // +1 every other success: half again each round trip
    if (r.ok() && r.value().status != 429 && window_ < (1 << 20) && ++answered_ % 2 == 0) ++window_;
  }
  window_free_.notify_all();
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

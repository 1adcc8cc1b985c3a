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
  // The starts since the last cut, of the last second's
  const std::size_t n = std::min(starts_since_cut_, starts_.size());
  if (n < 2) return 0;
  // Over the last second, or since the first send of it when the burst was shorter.
  const double span = std::max(now - starts_[starts_.size() - n], 0.05);
  return static_cast<double>(n) / std::min(span, 1.0);
}

double AdaptiveRate::ramp_accepted_rate(double now) const {
  // Before the first 429 the answers came as quickly as the server let them through (and the
  // window let them go): over the span of the last second's sends, what it let through is a
  // closer guess of its limit than what was sent, much of which it refused. Both hold the
  // idle time of the lists and the plan; the slow start after a first cut met unpaced is
  // there for that.
  if (starts_.size() < 2) return 0;
  const double span = std::min(std::max(now - starts_.front(), 0.05), 1.0);
  const auto count =
      std::count_if(accepted_.begin(), accepted_.end(), [&](double t) { return t >= now - 1; });
  return static_cast<double>(count) / span;
}

double AdaptiveRate::sent_since_first_cut(double now) const {
  if (accepted_since_ < 0 || now - accepted_since_ < 0.25) return 0;
  const double from = std::max(accepted_since_, now - 1);
  const auto count =
      std::count_if(starts_.begin(), starts_.end(), [&](double t) { return t >= from; });
  return static_cast<double>(count) / std::min(now - accepted_since_, 1.0);
}

void AdaptiveRate::record_start(double now) {
  last_start_ = now;
  ++starts_since_cut_;
  starts_.push_back(now);
  while (!starts_.empty() && starts_.front() < now - 1) starts_.pop_front();
}

void AdaptiveRate::record_accepted(double now) {
  accepted_.push_back(now);
  while (!accepted_.empty() && accepted_.front() < now - 1) accepted_.pop_front();
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
  // A reserved slot is waited for in steps of at most this long, so that a slot laid out at a
  // pace since grown is given up within it (the clock cannot be woken early).
  constexpr double kRecheck = 0.05;
  for (;;) {
    double slot = 0;
    Permit permit;
    std::uint64_t reserved_in = 0, respaced = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const double now = clock_.monotonic();
      const double start = std::max(now, paused_until_);
      const double p = pace();
      slot = p > 0 ? std::max(start, next_slot_) : start;
      if (p > 0 && next_slot_ <= now) spaced_at_ = p;  // a new layout of slots starts here
      if (slot <= now) {
        if (p > 0) next_slot_ = std::max(next_slot_, now) + 1 / p;
        record_start(now);
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
      reserved_in = episode_;
      respaced = respaced_;
    }
    for (;;) {
      double wait = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        const double now = clock_.monotonic();
        // A cut (its slots were laid out at a pace that overruns the new one) or a rate grown
        // by a quarter since (they hold the workers back): queue again.
        if (episode_ != reserved_in || respaced_ != respaced) break;
        if (slot - now <= 1e-9) {  // (a clock stepped by sleeps may stop an ulp short)
          if (paused_until_ - now > 1e-9) break;
          record_start(now);
          permit.episode = episode_;
          permit.sent = now;
          return permit;
        }
        wait = std::min(slot - now, kRecheck);
      }
      clock_.sleep(wait);
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
  record_accepted(now);
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
  // Slots reserved at a pace a quarter slower than this one hold the workers back: with 32 of
  // them queued at a cut pace of 20 a second, the last waited 1.6 s whatever the rate became.
  // Lay them out again from the last start.
  if (spaced_at_ > 0 && pace() > 1.25 * spaced_at_ && next_slot_ > now) {
    ++respaced_;
    spaced_at_ = pace();
    next_slot_ = std::max(now, last_start_ + 1 / pace());
  }
}

void AdaptiveRate::on_admitted(const Permit&) {
  std::lock_guard<std::mutex> lock(mutex_);
  const double now = clock_.monotonic();
  record_accepted(now);
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
  // What the server took before this first 429, over the span of what was sent
  const double ramp_accepted = accepted_since_ < 0 ? ramp_accepted_rate(now) : 0;
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
  if (ramp_accepted > 0 && (reference <= 0 || ramp_accepted < reference)) reference = ramp_accepted;
  // Both samples may hold idle time (a phase ending, a re-list), and a sample of a few
  // milliseconds since the last cut says little: paced, one cut starts from at least
  // min_reference of the pace, and more cuts follow if that is still too fast. During a
  // slow start, of the pace the workers used: it grows the pace while they follow it, and may
  // leave it well above what they sent when the server began refusing (at 200/s, a pace of
  // 360 floored the cut at 316 while the server took 205, and four more cuts followed). Not
  // after it: then what was sent holds the idle time too (a 50/s run cut to 44 at the phase
  // change, and took 1.04 of its ideal).
  double used = pace();
  const double sent_since = slow_start_ ? sent_since_first_cut(now) : 0;
  if (sent_since > 0 && sent_since < used) used = sent_since;
  if (!was_unpaced) reference = std::max(reference, options_.min_reference * used);
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
  spaced_at_ = pace();
  starts_since_cut_ = 0;
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
    // Unpaced (no ceiling, no 429 yet): a window of requests in flight that grows by a third
    // each round trip, so an unknown limit meets a few requests, not all the workers at once.
    std::unique_lock<std::mutex> lock(window_mutex_);
    if (window_ < 0) {
      window_ = std::max(1, rate_->initial_window());
      growth_ = std::max(1, rate_->window_growth());
    }
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
    // +1 every window_growth successes: a third more each round trip
    if (r.ok() && r.value().status != 429 && window_ < (1 << 20) && ++answered_ % growth_ == 0)
      ++window_;
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
  } else {
    rate_->on_admitted(permit);
  }
  return r;
}

}  // namespace xs

#pragma once
// One adaptive request rate for all workers of a transport (one host), as TCP does with loss:
// a slow start from a modest pace grows it quickly until the first 429; a 429 pauses every
// worker (Retry-After, or a backoff) and cuts the shared rate (multiplicative decrease);
// successes grow it back slowly (additive increase); --max-rps stays a hard ceiling. After a
// pause the workers are released one pace apart, never all at once; a slot reserved before a
// cut, or before the rate grew by a quarter, is queued again at the new pace. A cut starts from
// what the server accepted over the last second once that is known. Unpaced (no initial pace, no
// ceiling), the transport keeps a window of requests in flight, a third more each round trip
// until the first 429. The clock is injected.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "http/transport.h"
#include "util/clock.h"

namespace xs {

struct AdaptiveRateOptions {
  double ceiling = 0;   // requests a second never exceeded (--max-rps); 0: none. Given, it is
                        // also the first pace: the user knows the limit
  double initial = 50;  // else the first pace (0: unpaced until the first 429), which
  double slow_start_gain = 2;   //   grows by this share of itself a second until the first 429
  double first_decrease = 0.6;  // the first 429 multiplies the rate by this (it overshot,
                                //   by how much is not known yet: TCP halves),
  double floor = 0.5;           // a cut never goes below this rate
  double decrease = 0.97;       // a later 429 episode multiplies the rate by this, from the
                                //   rate the server accepted when that is known (below): a
                                //   token bucket accepts its refill rate, a close estimate
  double min_reference = 0.9;   // paced, a cut starts from at least this share of the pace
  double increase = 0.03;       // per second, the rate grows by this share of its last cut value
  double regain_to = 0.95;      // below this share of a cut's reference, the rate grows back
  double regain = 2;            //   quicker: by this share of the gap a second
  double deadline = 0;          // the clock's monotonic seconds (--deadline): a send whose slot
                                //   comes after it is not waited for; 0: none
  int initial_window = 12;      // unpaced, at most this many in flight, +1 every
  int window_growth = 3;        //   window_growth successes until the first 429: a start
                                //   quick enough for -p 32, slow enough that the round that
                                //   meets a limit holds few requests (issue 23)
  double backoff_base = 0.5;  // seconds of shared pause for a 429 without Retry-After,
  double backoff_max = 8;     //   doubling per episode in a row, at most this
  double max_pause = 60;      // a Retry-After longer than this is cut to it
};

class AdaptiveRate {
 public:
  // What acquire hands out: the episode (of 429s) the request was sent in.
  struct Permit {
    std::uint64_t episode = 0;
    bool past_deadline = false;  // its slot comes after options.deadline: do not send
    double sent = 0;             // the clock's monotonic seconds when it was handed out
  };

  AdaptiveRate(AdaptiveRateOptions options, Clock& clock);
  // Blocks (through the clock) until no pause is on and the pace allows one more request; a
  // slot after the deadline is not waited for (past_deadline).
  Permit acquire();
  // A request was answered (not 429, not 5xx): the rate grows back a little.
  void on_success(const Permit& permit);
  // A request was answered 5xx: the server's limit let it through (it counts in what the
  // server accepted), but it says nothing of growing the rate.
  void on_admitted(const Permit& permit);
  // A request was answered 429: unless an earlier 429 of requests sent since already did,
  // every worker pauses (retry_after, or a doubling backoff) and the rate is cut. One sent
  // less than an answer's time after the first cut cuts too, but keeps the slow start and the
  // quick regain's aim of the first: the pace it was sent at, the cut itself, says little.
  void on_throttled(const Permit& permit, std::optional<double> retry_after);
  // The current pace in requests a second; 0: unpaced (no initial, no ceiling, no 429 yet).
  double rate() const;
  // Monotonic time before which no request starts.
  double paused_until() const;
  // In flight at most while unpaced, before the first 429 (it grows with successes).
  int initial_window() const { return options_.initial_window; }
  int window_growth() const { return options_.window_growth; }

 private:
  double pace() const;  // rate_ capped by the ceiling; 0: unpaced
  double recent_send_rate(double now) const;
  double ramp_accepted_rate(double now) const;  // let through a second before the first 429
  double sent_since_first_cut(double now) const;  // over the window accepted_rate counts
  void record_start(double now);
  void record_accepted(double now);  // an answer other than 429
  double accepted_rate(double now) const;  // let through (not 429) a second, 0: too few to tell

  AdaptiveRateOptions options_;
  Clock& clock_;
  mutable std::mutex mutex_;
  double rate_ = 0;          // 0: unpaced
  bool slow_start_ = true;   // no 429 seen yet
  double step_ = 0;          // additive increase, requests a second per second
  double regain_ = 0;        // quicker growth below this rate (regain_to of the last reference)
  double next_slot_ = 0;     // monotonic time of the next paced start
  double last_start_ = 0;    // monotonic time of the last start
  double spaced_at_ = 0;     // the pace the reserved slots were laid out at
  std::uint64_t respaced_ = 0;  // counts re-layouts of the reserved slots (the rate grew)
  double paused_until_ = 0;  // monotonic
  std::uint64_t episode_ = 0;
  int episodes_in_a_row_ = 0;  // without a success in between, for the backoff
  std::deque<double> starts_;  // start times of the requests of the last second
  std::size_t starts_since_cut_ = 0;  // starts since the last cut (the last of starts_)
  std::deque<double> accepted_;  // answer times of the last second's answers other than 429
  double accepted_since_ = -1;   // the first 429 (monotonic); -1: none yet
  double last_cut_ = -1;         // the last cut (monotonic); -1: none yet
  double answer_time_ = 0;       // how long answers take, a moving average of successes'
};

// Sends through the inner transport at the shared adaptive rate, telling it every answer.
class AdaptiveRateTransport final : public Transport {
 public:
  AdaptiveRateTransport(std::shared_ptr<Transport> inner, std::shared_ptr<AdaptiveRate> rate)
      : inner_(std::move(inner)), rate_(std::move(rate)) {}
  Result<HttpResponse> send(const HttpRequest& request) override;
  std::string base_url() const override { return inner_->base_url(); }

 private:
  std::shared_ptr<Transport> inner_;
  std::shared_ptr<AdaptiveRate> rate_;
  std::mutex window_mutex_;  // the initial window while unpaced (AdaptiveRateOptions)
  std::condition_variable window_free_;
  int in_flight_ = 0;
  int window_ = -1;  // -1: not read from the rate yet
  int answered_ = 0;
  int growth_ = 3;  // successes a window's growth by one takes (from the rate)
};

}  // namespace xs

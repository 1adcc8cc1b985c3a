// Fault injection for API requests: latency, a token-bucket rate limit, random 5xx,
// "commit then drop the connection" and "commit then answer late". One seeded PRNG
// (std::mt19937_64) so a fault sequence repeats for the same request order.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace xs::emu {

struct FaultConfig {
  int latencyMs = 0;          // sleep before handling each API request
  double rateLimitRps = 0;    // token bucket refill per second; 0 = no limit
  double errorRate = 0;       // probability of 500/502/503 before processing
  double dropRate = 0;        // probability of commit-then-close-without-answer
  double slowRate = 0;        // probability of commit-then-sleep(slowMs)-then-answer
  int slowMs = 0;             // 0 disables slow answers
  std::uint64_t seed = 1;
  // Server behaviours a client must not rely on (xuna-sync's at-most-once campaigns):
  bool honourIdempotency = true;  // false: a repeated Idempotency-Key is acted on again
  // What an accepted batch is answered with: json (the documented answer), empty (202, no
  // body), id-only ({"id": ...}, no batch_id), text (200 "OK"), error (500 after accepting
  // it), short (calls_initiated one below the calls sent).
  std::string batchAnswer = "json";
};

// True when mode is one of FaultConfig::batchAnswer's values.
bool validBatchAnswer(const std::string& mode);

// What to do with one API request, decided on arrival (after the latency sleep).
struct FaultDecision {
  bool rateLimited = false;
  double retryAfterSeconds = 0;  // when rateLimited: until the next token, to the millisecond
  int errorStatus = 0;        // 500, 502 or 503; 0 = none
  bool drop = false;
  int slowMs = 0;             // 0 = answer at once
};

class Faults {
 public:
  // Starts with cfg, seeding the PRNG with cfg.seed and filling the bucket.
  explicit Faults(const FaultConfig& cfg);

  // The current configuration.
  FaultConfig config() const;

  // Replaces the configuration; reseeds the PRNG when reseed, refills the bucket.
  void reconfigure(const FaultConfig& cfg, bool reseed);

  // Takes a rate-limit token and draws the random faults for one request.
  FaultDecision decide();

 private:
  mutable std::mutex mu_;
  FaultConfig cfg_;
  std::mt19937_64 rng_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refilled_;
};

}  // namespace xs::emu

#include "emulator/faults.h"

#include <algorithm>
#include <cmath>

namespace xs::emu {

bool validBatchAnswer(const std::string& mode) {
  for (const char* m : {"json", "empty", "id-only", "text", "error", "short"})
    if (mode == m) return true;
  return false;
}

namespace {
double bucketCapacity(double rps) { return std::max(1.0, rps / 10.0); }
}  // namespace

Faults::Faults(const FaultConfig& cfg) : cfg_(cfg), rng_(cfg.seed) {
  tokens_ = bucketCapacity(cfg.rateLimitRps);
  refilled_ = std::chrono::steady_clock::now();
}

FaultConfig Faults::config() const {
  std::lock_guard<std::mutex> lk(mu_);
  return cfg_;
}

void Faults::reconfigure(const FaultConfig& cfg, bool reseed) {
  std::lock_guard<std::mutex> lk(mu_);
  cfg_ = cfg;
  if (reseed) rng_.seed(cfg.seed);
  tokens_ = bucketCapacity(cfg.rateLimitRps);
  refilled_ = std::chrono::steady_clock::now();
}

FaultDecision Faults::decide() {
  std::lock_guard<std::mutex> lk(mu_);
  FaultDecision d;
  if (cfg_.rateLimitRps > 0) {
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - refilled_).count();
    refilled_ = now;
    double capacity = bucketCapacity(cfg_.rateLimitRps);
    tokens_ = std::min(capacity, tokens_ + elapsed * cfg_.rateLimitRps);
    if (tokens_ >= 1.0) {
      tokens_ -= 1.0;
    } else {
      d.rateLimited = true;
      // The honest wait, not rounded up to whole seconds: the bucket refills a token every
      // 1/RPS seconds, and a client told a whole second would idle most of it.
      d.retryAfterSeconds =
          std::max(0.001, std::ceil((1.0 - tokens_) / cfg_.rateLimitRps * 1000) / 1000);
      return d;
    }
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (cfg_.errorRate > 0 && unit(rng_) < cfg_.errorRate) {
    static const int kStatuses[] = {500, 502, 503};
    d.errorStatus = kStatuses[std::uniform_int_distribution<int>(0, 2)(rng_)];
    return d;
  }
  if (cfg_.dropRate > 0 && unit(rng_) < cfg_.dropRate) {
    d.drop = true;
    return d;
  }
  if (cfg_.slowRate > 0 && cfg_.slowMs > 0 && unit(rng_) < cfg_.slowRate) d.slowMs = cfg_.slowMs;
  return d;
}

}  // namespace xs::emu

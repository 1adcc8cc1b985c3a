#include "util/clock.h"

#include <chrono>
#include <ctime>
#include <thread>

namespace xs {
namespace {

class SystemClock final : public Clock {
 public:
  double monotonic() override {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
  }
  std::string now_iso() override { return iso_utc(static_cast<long long>(std::time(nullptr))); }
  double unix_seconds() override {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  void sleep(double seconds) override {
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
};

}  // namespace

std::string iso_utc(long long unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Clock& system_clock() {
  static SystemClock clock;
  return clock;
}

}  // namespace xs

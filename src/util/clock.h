#pragma once
// Time is an input: the clock and the sleeper are injected so retry tests run instantly.
#include <string>

namespace xs {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic seconds, for durations and deadlines.
  virtual double monotonic() = 0;
  // Wall-clock time as ISO-8601 UTC ("2026-11-21T13:14:15Z"), for records.
  virtual std::string now_iso() = 0;
  // Wall-clock time as Unix seconds, for records that want a number.
  virtual double unix_seconds() = 0;
  // Blocks for the given seconds (a fake one just advances its monotonic time).
  virtual void sleep(double seconds) = 0;
};

// Unix seconds as ISO-8601 UTC ("2026-11-21T13:14:15Z"), the form now_iso gives.
std::string iso_utc(long long unix_seconds);

// The real clock of this machine.
Clock& system_clock();

}  // namespace xs

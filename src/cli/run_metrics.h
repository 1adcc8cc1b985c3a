#pragma once
// --metrics-file: the run's outcome as Prometheus gauges, written when the command ends,
// however it ends (docs/DESIGN.md §3).
#include <exception>
#include <string>

#include "apply/apply.h"
#include "cli/options.h"
#include "report/metrics.h"
#include "sync/cutover.h"
#include "sync/gather.h"
#include "util/clock.h"

namespace xs::cli {

// Writes --metrics-file (atomically) when destroyed; does nothing without the option. The run
// succeeded unless it ends by an exception, its plan has errors, or its apply report is not a
// success. A run that found the lock held (exit 4) leaves the file to the run holding it.
class RunMetricsFile {
 public:
  explicit RunMetricsFile(const Options& options, Clock& clock = system_clock());
  ~RunMetricsFile();
  RunMetricsFile(const RunMetricsFile&) = delete;
  RunMetricsFile& operator=(const RunMetricsFile&) = delete;

  void planned(const sync::Planned& planned);
  void applied(const ApplyReport& report, const std::vector<sync::RoutingCheck>& routing);
  // The command is ending with this CommandError's exit code.
  void ended_with(int exit_code) { exit_code_ = exit_code; }

 private:
  std::string path_;
  Clock& clock_;
  double start_;
  RunMetrics metrics_;
  bool failed_ = false;
  int exit_code_ = 0;
  int uncaught_;
};

}  // namespace xs::cli

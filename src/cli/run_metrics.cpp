#include "cli/run_metrics.h"

#include <chrono>

#include "cli/exit_codes.h"
#include "cli/planning.h"
#include "util/atomic_file.h"
#include "util/clock.h"
#include "util/log.h"

namespace xs::cli {

RunMetricsFile::RunMetricsFile(const Options& options)
    : path_(options.metrics_file),
      start_(system_clock().monotonic()),
      uncaught_(std::uncaught_exceptions()) {}

void RunMetricsFile::planned(const Planned& p) {
  PlanMetrics plan;
  plan.changes = static_cast<int>(p.plan.actions.size());
  plan.managed = static_cast<int>(p.desired.numbers.size());
  plan.unmanaged = p.plan.summary.unmanaged;
  plan.unchanged = p.plan.summary.unchanged;
  metrics_.plan = plan;
  if (!p.plan.errors.empty()) failed_ = true;
}

void RunMetricsFile::applied(const ApplyReport& report) {
  for (const auto& r : report.results) {
    ActionCounts& c = r.action.kind == ActionKind::Import   ? metrics_.import
                      : r.action.kind == ActionKind::Assign ? metrics_.assign
                                                            : metrics_.batch;
    switch (r.outcome) {
      case Outcome::Ok:
        ++c.ok;
        break;
      case Outcome::Failed:
        ++c.failed;
        break;
      case Outcome::Skipped:
        ++c.skipped;
        break;
      case Outcome::Unknown:
        ++c.unknown;
        break;
    }
  }
  failed_ = !report.success();
}

RunMetricsFile::~RunMetricsFile() {
  if (path_.empty() || exit_code_ == kLocked) return;
  const bool by_exception = std::uncaught_exceptions() > uncaught_;
  metrics_.success = !by_exception && !failed_ && exit_code_ == 0;
  metrics_.duration_seconds = system_clock().monotonic() - start_;
  metrics_.timestamp_seconds =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  try {
    write_file_atomically(path_, metrics_text(metrics_));
  } catch (const std::exception& e) {
    log_warn(std::string("metrics: ") + e.what());
  }
}

}  // namespace xs::cli

#include "cli/run_metrics.h"

#include <chrono>

#include "cli/exit_codes.h"
#include "util/atomic_file.h"
#include "util/clock.h"
#include "util/log.h"

namespace xs::cli {

RunMetricsFile::RunMetricsFile(const Options& options, Clock& clock)
    : path_(options.metrics_file),
      clock_(clock),
      start_(clock.monotonic()),
      uncaught_(std::uncaught_exceptions()) {}

void RunMetricsFile::planned(const sync::Planned& p) {
  PlanMetrics plan;
  plan.changes = static_cast<int>(p.plan.actions.size());
  plan.managed = static_cast<int>(p.desired.numbers.size());
  plan.unmanaged = p.plan.summary.unmanaged;
  plan.unchanged = p.plan.summary.unchanged;
  plan.unknown_batches = p.plan.summary.unknown_batches;
  for (const auto& w : p.plan.warnings) plan.routing_drift += w.kind == "routing_drift";
  for (const auto& c : p.plan.campaigns)
    plan.campaigns.push_back(
        {c.name, c.to_dial, c.dialled, c.unknown, c.failed, c.suppressed, c.waiting, c.expired});
  plan.in_probation = p.plan.summary.in_probation;
  metrics_.plan = plan;
  if (!p.plan.errors.empty() || plan.unknown_batches) failed_ = true;
}

void RunMetricsFile::applied(const ApplyReport& report,
                             const std::vector<sync::RoutingCheck>& routing) {
  for (const auto& c : routing) metrics_.routing_failed += !c.ok;
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
      case Outcome::Pending:
      case Outcome::Skipped:
        ++c.skipped;
        break;
      case Outcome::Unknown:
        ++c.unknown;
        break;
    }
  }
  failed_ = failed_ || !report.success() || metrics_.routing_failed > 0;
}

RunMetricsFile::~RunMetricsFile() {
  if (path_.empty() || exit_code_ == kLocked) return;
  const bool by_exception = std::uncaught_exceptions() > uncaught_;
  metrics_.success = !by_exception && !failed_ && exit_code_ == 0;
  metrics_.duration_seconds = clock_.monotonic() - start_;
  metrics_.timestamp_seconds = clock_.unix_seconds();
  try {
    write_file_atomically(path_, metrics_text(metrics_));
  } catch (const std::exception& e) {
    log_warn(std::string("metrics: ") + e.what());
  }
}

}  // namespace xs::cli

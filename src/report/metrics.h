#pragma once
// The outcome of a run as Prometheus text-format gauges, for node_exporter's textfile
// collector (`--metrics-file`). Pure: plain values in, text out.
#include <optional>
#include <string>
#include <vector>

namespace xs {

// How many actions of one kind ended each way.
struct ActionCounts {
  int ok = 0, failed = 0, skipped = 0, unknown = 0;
};

// Where a campaign's recipients stand (docs/DESIGN.md §6).
struct CampaignMetrics {
  std::string name;
  int to_dial = 0, dialled = 0, unknown = 0, failed = 0, suppressed = 0, waiting = 0, expired = 0;
};

// What a plan saw; absent when the run ended before it had a plan.
struct PlanMetrics {
  int changes = 0;    // actions in the plan
  int managed = 0;    // numbers the mapping names
  int unmanaged = 0;  // live numbers the mapping does not name
  int unchanged = 0;  // mapped numbers already in line
  int unknown_batches = 0;  // campaigns whose outcome is unknown (a pending change)
  int routing_drift = 0;    // cut-over numbers whose calls no longer reach XUNA
  std::vector<CampaignMetrics> campaigns;
  int in_probation = 0;     // cut-over numbers whose probation fallback is set (issue 22)
};

struct RunMetrics {
  double timestamp_seconds = 0;  // when the run ended, Unix time
  bool success = false;
  double duration_seconds = 0;
  ActionCounts import, assign, batch;
  int routing_failed = 0;  // imports whose calls did not reach XUNA after the cut-over
  std::optional<PlanMetrics> plan;
};

// The gauges, each with # HELP and # TYPE: xuna_sync_last_run_timestamp_seconds,
// xuna_sync_last_run_success, xuna_sync_last_run_duration_seconds, xuna_sync_actions{kind,
// result} (always all twelve), and, when there was a plan, xuna_sync_numbers{state} and
// xuna_sync_plan_changes.
std::string metrics_text(const RunMetrics& metrics);

}  // namespace xs

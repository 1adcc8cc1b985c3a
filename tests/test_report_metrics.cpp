// --metrics-file text: Prometheus text format, every gauge with HELP and TYPE, stable series.
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "report/metrics.h"

using namespace xs;

namespace {

RunMetrics sample() {
  RunMetrics m;
  m.timestamp_seconds = 1795000000.25;
  m.success = true;
  m.duration_seconds = 3.5;
  m.import = {4, 1, 0, 0};
  m.assign = {3, 0, 2, 0};
  m.batch = {1, 0, 0, 1};
  PlanMetrics plan;  // each field by name: the aggregate grew (-Wmissing-field-initializers)
  plan.changes = 12;
  plan.managed = 9;
  plan.unmanaged = 2;
  plan.unchanged = 1;
  m.plan = plan;
  return m;
}

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

}  // namespace

TEST_CASE("metrics text carries the run, the actions by kind and result, and the plan") {
  const std::string text = metrics_text(sample());
  CHECK(has_line(text, "xuna_sync_last_run_timestamp_seconds 1795000000.250"));
  CHECK(has_line(text, "xuna_sync_last_run_success 1"));
  CHECK(has_line(text, "xuna_sync_last_run_duration_seconds 3.500"));
  CHECK(has_line(text, "xuna_sync_actions{kind=\"import\",result=\"ok\"} 4"));
  CHECK(has_line(text, "xuna_sync_actions{kind=\"import\",result=\"failed\"} 1"));
  CHECK(has_line(text, "xuna_sync_actions{kind=\"assign\",result=\"skipped\"} 2"));
  CHECK(has_line(text, "xuna_sync_actions{kind=\"batch\",result=\"unknown\"} 1"));
  CHECK(has_line(text, "xuna_sync_numbers{state=\"managed\"} 9"));
  CHECK(has_line(text, "xuna_sync_numbers{state=\"unmanaged\"} 2"));
  CHECK(has_line(text, "xuna_sync_numbers{state=\"unchanged\"} 1"));
  CHECK(has_line(text, "xuna_sync_plan_changes 12"));
}

TEST_CASE("every metric has one HELP and one TYPE gauge line before its samples") {
  const std::string text = metrics_text(sample());
  std::set<std::string> helped, typed;
  int samples = 0;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    REQUIRE_FALSE(l.empty());
    if (l.rfind("# HELP ", 0) == 0) {
      CHECK(helped.insert(l.substr(7, l.find(' ', 7) - 7)).second);
    } else if (l.rfind("# TYPE ", 0) == 0) {
      CHECK(l.substr(l.rfind(' ') + 1) == "gauge");
      CHECK(typed.insert(l.substr(7, l.find(' ', 7) - 7)).second);
    } else {
      const std::string name = l.substr(0, l.find_first_of("{ "));
      CHECK(typed.count(name) == 1);
      CHECK(helped.count(name) == 1);
      ++samples;
    }
  }
  // run (3), actions (12), cut-over failures (1), numbers (3), plan changes, unknown
  // campaigns, routing drift and numbers in probation (4)
  CHECK(samples == 3 + 12 + 1 + 3 + 4);
  CHECK(text.back() == '\n');
}

TEST_CASE("a failed run before any plan has zero actions and no plan gauges") {
  RunMetrics m;
  m.timestamp_seconds = 1795000000;
  const std::string text = metrics_text(m);
  CHECK(has_line(text, "xuna_sync_last_run_timestamp_seconds 1795000000"));
  CHECK(has_line(text, "xuna_sync_last_run_success 0"));
  CHECK(has_line(text, "xuna_sync_last_run_duration_seconds 0"));
  CHECK(has_line(text, "xuna_sync_actions{kind=\"batch\",result=\"ok\"} 0"));
  CHECK(text.find("xuna_sync_numbers") == std::string::npos);
  CHECK(text.find("xuna_sync_plan_changes") == std::string::npos);
}

#include "report/metrics.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "util/printable.h"

namespace xs {
namespace {

// A sample value as Prometheus reads it: integers without a fraction, others with millis.
std::string value(double v) {
  char buf[64];
  if (std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", v);
  }
  return buf;
}

void header(std::ostream& out, const char* name, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n";
}

void actions(std::ostream& out, const char* kind, const ActionCounts& c) {
  const std::pair<const char*, int> results[] = {
      {"ok", c.ok}, {"failed", c.failed}, {"skipped", c.skipped}, {"unknown", c.unknown}};
  for (const auto& [result, n] : results)
    out << "xuna_sync_actions{kind=\"" << kind << "\",result=\"" << result << "\"} " << n << '\n';
}

// A label value as the text format wants it: what users wrote escaped as in every output
// (control characters, bidi overrides), then backslash, quote and newline escaped.
std::string label(const std::string& raw) {
  const std::string v = printable(raw);
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string metrics_text(const RunMetrics& m) {
  std::ostringstream out;
  header(out, "xuna_sync_last_run_timestamp_seconds",
         "When the last xuna-sync run ended (Unix time).");
  out << "xuna_sync_last_run_timestamp_seconds " << value(m.timestamp_seconds) << '\n';
  header(out, "xuna_sync_last_run_success",
         "1 if the last run succeeded, 0 if it failed or was refused.");
  out << "xuna_sync_last_run_success " << (m.success ? 1 : 0) << '\n';
  header(out, "xuna_sync_last_run_duration_seconds", "How long the last run took.");
  out << "xuna_sync_last_run_duration_seconds " << value(m.duration_seconds) << '\n';
  header(out, "xuna_sync_actions", "Actions of the last run by kind and result.");
  actions(out, "import", m.import);
  actions(out, "assign", m.assign);
  actions(out, "batch", m.batch);
  header(out, "xuna_sync_cutover_failed",
         "Numbers imported by the last run whose Twilio calls did not reach XUNA after it.");
  out << "xuna_sync_cutover_failed " << m.routing_failed << '\n';
  if (m.plan) {
    header(out, "xuna_sync_numbers",
           "Numbers in the last plan: managed (named in the mapping), unmanaged (in XUNA, not "
           "in the mapping), unchanged (mapped and already in line).");
    out << "xuna_sync_numbers{state=\"managed\"} " << m.plan->managed << '\n'
        << "xuna_sync_numbers{state=\"unmanaged\"} " << m.plan->unmanaged << '\n'
        << "xuna_sync_numbers{state=\"unchanged\"} " << m.plan->unchanged << '\n';
    header(out, "xuna_sync_plan_changes", "Actions in the last plan.");
    out << "xuna_sync_plan_changes " << m.plan->changes << '\n';
    header(out, "xuna_sync_batches_unknown",
           "Campaigns whose outcome is unknown; sent again only by apply --resubmit NAME.");
    out << "xuna_sync_batches_unknown " << m.plan->unknown_batches << '\n';
    header(out, "xuna_sync_routing_drift",
           "Numbers cut over to XUNA whose Twilio routing no longer reaches XUNA.");
    out << "xuna_sync_routing_drift " << m.plan->routing_drift << '\n';
    if (!m.plan->campaigns.empty()) {
      header(out, "xuna_sync_campaign_recipients",
             "Recipients of each campaign in the last plan by state: to_dial (this run), "
             "dialled, unknown (only --resubmit sends them), failed, suppressed, waiting, expired.");
      for (const auto& c : m.plan->campaigns) {
        const std::pair<const char*, int> states[] = {
            {"to_dial", c.to_dial}, {"dialled", c.dialled},       {"unknown", c.unknown},
            {"failed", c.failed},   {"suppressed", c.suppressed}, {"waiting", c.waiting},
            {"expired", c.expired}};
        for (const auto& [state, n] : states)
          out << "xuna_sync_campaign_recipients{campaign=\"" << label(c.name) << "\",state=\""
              << state << "\"} " << n << '\n';
      }
    }
    header(out, "xuna_sync_probation",
           "Numbers cut over to XUNA whose old webhook is still Twilio's voice fallback.");
    out << "xuna_sync_probation " << m.plan->in_probation << '\n';
  }
  return out.str();
}

}  // namespace xs

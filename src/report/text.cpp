#include "report/text.h"

#include <chrono>
#include <ctime>
#include <sstream>

#include "report/escape.h"

namespace xs {
namespace {

std::string plural(int n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string agent_text(const std::string& id, const std::string& ref) {
  return ref.empty() || ref == id ? printable(id) : printable(id) + " (" + printable(ref) + ")";
}

std::string quoted(const std::string& s) { return "\"" + printable(s, true) + "\""; }

// "2026-12-07 19:42 UTC"
std::string utc_minute(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// The counts of a campaign's recipients: what this run dials, then every other state that
// has any.
std::string campaign_line(const CampaignCounts& c, const Style& s) {
  std::string line = s.bold("  = campaign ") + printable(c.name) + "  " +
                     std::to_string(c.to_dial) + " to dial now";
  const std::pair<const char*, int> parts[] = {{"dialled", c.dialled},       {"unknown", c.unknown},
                                               {"failed before", c.failed},  {"suppressed", c.suppressed},
                                               {"waiting", c.waiting},       {"expired", c.expired},
                                               {"held back", c.held}};
  std::string rest;
  for (const auto& [word, n] : parts) {
    if (!n) continue;
    rest += (rest.empty() ? "" : ", ") + std::to_string(n) + " " + word;
    if (std::string(word) == "waiting" && !c.waiting_by_zone.empty()) {
      std::string zones;
      for (const auto& [zone, k] : c.waiting_by_zone)
        zones += (zones.empty() ? "" : ", ") + (zone.empty() ? std::string("UTC") : printable(zone)) +
                 " " + std::to_string(k);
      rest += " (" + zones + ")";
    }
  }
  if (!rest.empty()) line += "; " + rest;
  if (c.last_call) line += "; last call expected " + utc_minute(*c.last_call);
  return line;
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string warning_word(const std::string& kind) {
  if (kind == "label_drift") return "label";
  if (kind == "no_unassign") return "agent";
  if (kind == "orphaned") return "orphan";
  if (kind == "duplicate_live") return "live";
  if (kind.rfind("batch_", 0) == 0)
    return "batch";
  if (kind == "routing_drift" || kind == "rolled_back" || kind == "probation") return "routing";
  return kind;
}

std::string action_line(const Action& a, const Style& s) {
  switch (a.kind) {
    case ActionKind::Import: {
      std::string line = s.green("  + import  ") + pad(a.phone_number, 14) + "  " +
                          quoted(a.label) + "  (twilio: " + printable(a.twilio_account) + ")";
      if (a.routing_before) line += "  calls now -> " + printable(describe_routing(*a.routing_before));
      return line;
    }
    case ActionKind::Assign:
      return s.yellow("  ~ assign  ") + pad(a.phone_number, 14) + "  " +
             printable(a.before.value_or("(none)")) + " -> " + agent_text(a.agent_id, a.agent_ref);
    case ActionKind::Batch: {
      std::string line = s.green("  + batch   ") + printable(a.batch_name) + "  " +
                         plural(a.calls, "call", "calls") + " from " + a.phone_number + "  via " +
                         agent_text(a.agent_id, a.agent_ref) + "  in " +
                         plural(static_cast<int>(a.requests.size()), "request", "requests") +
                         (a.suppressed ? "  (" + std::to_string(a.suppressed) + " suppressed)" : "");
      for (std::size_t i = 0; i < a.requests.size(); ++i) {
        const CampaignRequest& r = a.requests[i];
        if (!r.last_call && r.key.empty()) continue;
        line += "\n      request " + std::to_string(i + 1) + ": " +
                plural(static_cast<int>(r.calls.size()), "call", "calls") +
                (r.zone.empty() ? "" : " in " + printable(r.zone)) +
                (r.key.empty() ? "" : ", sent again with its first key") +
                (r.last_call ? ", last call expected " + utc_minute(*r.last_call) : "");
      }
      return line;
    }
    case ActionKind::Rollback:
    case ActionKind::Undo:
    case ActionKind::Fallback: return {};
  }
  return {};
}

}  // namespace

std::string render_summary(const Plan& plan) {
  const Summary& s = plan.summary;
  std::string line = "Plan: " + std::to_string(s.imports) + " to import, " +
                     std::to_string(s.assigns) + " to assign, " +
                     plural(s.batches, "batch", "batches") + " to submit; " +
                     std::to_string(s.unchanged) + " unchanged, " + std::to_string(s.unmanaged) +
                     " unmanaged";
  if (s.orphaned) line += " (" + std::to_string(s.orphaned) + " orphaned)";
  if (s.deferred) line += "; " + std::to_string(s.deferred) + " deferred (--max-imports)";
  if (s.unselected) line += "; " + std::to_string(s.unselected) + " not selected (--only, --exclude)";
  if (!plan.errors.empty()) line += "; " + plural(static_cast<int>(plan.errors.size()), "error", "errors");
  const int pending = s.fallbacks_to_set - [&] {  // those after this plan's imports go unsaid
    int with_import = 0;
    for (const auto& f : plan.fallbacks) with_import += f.with_import;
    return with_import;
  }();
  if (pending) line += "; " + plural(pending, "fallback", "fallbacks") + " to set";
  if (s.fallbacks_to_clear) line += "; " + plural(s.fallbacks_to_clear, "fallback", "fallbacks") + " to clear";
  if (s.in_probation) line += "; " + std::to_string(s.in_probation) + " in probation";
  return line + ".";
}

std::string render_plan(const Plan& plan, const Style& s) {
  std::ostringstream out;
  for (const auto& a : plan.actions) out << action_line(a, s) << '\n';
  for (const auto& e : plan.errors)
    out << s.red("  x error   ") << pad(printable(e.phone_number), 14) << "  "
        << printable(e.message) << '\n';
  for (const auto& w : plan.warnings)
    out << s.yellow("  ! " + pad(warning_word(w.kind), 8)) << pad(printable(w.phone_number), 14)
        << "  " << printable(w.message) << '\n';
  for (const auto& c : plan.campaigns) out << campaign_line(c, s) << '\n';
  for (const auto& f : plan.fallbacks) {  // the probation fallbacks (issue 22)
    const std::string to = printable(mask_url_password(f.url)) + " (" + printable(f.method) + ")";
    if (f.kind == FallbackStep::Kind::Clear)
      out << s.yellow("  - fallback ") << pad(f.phone_number, 14) << "  probation ended "
          << f.until << ": clears the fallback to " << to << '\n';
    else
      out << s.green("  + fallback ") << pad(f.phone_number, 14) << "  "
          << (f.with_import ? "after the cut-over" : "cut over earlier") << ": falls back to "
          << to << (f.until.empty() ? ", kept" : " until " + f.until) << '\n';
  }
  for (const auto& p : plan.probation)
    out << "  = fallback " << pad(p.phone_number, 14) << "  "
        << (p.until.empty() ? std::string("fallback kept") : "probation until " + p.until)
        << " (falls back to " << printable(mask_url_password(p.url)) << ")\n";
  if (!plan.has_changes() && plan.errors.empty()) out << "No changes: XUNA matches the mapping.\n";
  out << render_summary(plan) << '\n';
  return out.str();
}

std::string render_report(const ApplyReport& report, const Style& s) {
  std::ostringstream out;
  for (const auto& r : report.results) {
    if (r.outcome != Outcome::Ok) continue;
    const Action& a = r.action;
    switch (a.kind) {
      case ActionKind::Import:
        out << s.green("  + imported  ") << a.phone_number << "  " << printable(r.phone_number_id);
        break;
      case ActionKind::Assign:
        out << s.yellow("  ~ assigned  ") << a.phone_number << "  " << agent_text(a.agent_id, a.agent_ref);
        break;
      case ActionKind::Batch:
        out << s.green("  + submitted ") << printable(a.batch_name);
        for (const auto& id : r.batch_ids) out << "  " << printable(id);
        break;
      case ActionKind::Rollback:
        out << s.yellow("  < restored  ") << a.phone_number;
        break;
      case ActionKind::Undo:
        out << s.green("  > re-pointed ") << a.phone_number;
        break;
      case ActionKind::Fallback:
        out << s.green("  ~ fallback  ") << a.phone_number;
        break;
    }
    if (!r.note.empty()) out << "  (" << printable(r.note) << ")";
    out << '\n';
  }
  int problems = report.failed + report.skipped + report.unknown;
  if (problems) {
    out << s.red(plural(problems, "action", "actions") + " did not succeed:") << '\n';
    for (const auto& r : report.results) {
      if (r.outcome == Outcome::Ok) continue;
      out << "  " << s.red(to_string(r.outcome)) << "  " << to_string(r.action.kind) << " "
          << printable(r.action.kind == ActionKind::Batch ? r.action.batch_name
                                                          : r.action.phone_number)
          << ": " << printable(r.error) << '\n';
    }
  }
  if (!report.stopped.empty()) out << s.red("Stopped early: " + printable(report.stopped)) << '\n';
  out << "Apply: " << report.ok << " ok, " << report.failed << " failed, " << report.skipped
      << " skipped";
  if (report.unknown) out << ", " << report.unknown << " unknown";
  out << ".\n";
  return out.str();
}

std::string render_history(const std::vector<RunWithActions>& runs, const Style& s) {
  std::ostringstream out;
  for (const auto& [run, actions] : runs) {
    const std::string word = to_string(run.outcome);
    const std::string outcome = run.outcome == RunOutcome::Ok       ? s.green(word)
                                : run.outcome == RunOutcome::Failed ? s.red(word)
                                                                    : s.yellow(word);
    out << s.bold("#" + std::to_string(run.id)) << "  " << run.started_at << "  " << run.command
        << "  " << outcome << "  " << printable(run.api_url) << "  "
        << plural(static_cast<int>(actions.size()), "action", "actions") << '\n';
    for (const auto& a : actions) {
      out << "    " << pad(to_string(a.outcome), 7) << " " << to_string(a.kind) << "  "
          << printable(a.phone_number) << "  " << printable(a.detail);
      if (!a.error.empty()) out << "  -- " << printable(a.error);
      out << '\n';
    }
  }
  return out.str();
}

}  // namespace xs

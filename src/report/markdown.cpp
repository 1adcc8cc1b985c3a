#include "report/markdown.h"

#include <cstring>
#include <vector>

#include "model/routing.h"
#include "report/escape.h"
#include "util/log.h"

namespace xs {
namespace {

// 12345 -> "12,345"
std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

std::string cell(const std::string& text) { return markdown_text(text); }

std::string agent_cell(const std::string& id, const std::string& ref) {
  return ref.empty() || ref == id ? cell(id) : cell(id) + " (" + cell(ref) + ")";
}

// One <details> block: a summary (our own words), a table head and its rows.
struct Section {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::string> rows;  // "| a | b |"
  bool open = false;              // shown unfolded (errors)
};

std::string row(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const auto& c : cells) line += " " + (c.empty() ? std::string("&nbsp;") : c) + " |";
  return line;
}

// Appends the sections to out while they fit in max_bytes (with room kept for the closing
// tags and the note), then the note on what was left out.
void add_sections(std::string& out, const std::vector<Section>& sections, std::size_t max_bytes,
                  const std::string& where_all_is) {
  constexpr std::size_t kReserve = 600;  // closing a block, and the note
  const std::size_t budget = max_bytes > kReserve ? max_bytes - kReserve : 0;
  std::size_t total = 0, left_out = 0;
  bool full = false;
  for (const Section& s : sections) {
    if (s.rows.empty()) continue;
    total += s.rows.size();
    std::string head = std::string(s.open ? "<details open>" : "<details>") + "<summary>" +
                       s.title + " (" + grouped(s.rows.size()) + ")</summary>\n\n";
    std::string sep = "|";
    for (std::size_t i = 0; i < s.columns.size(); ++i) sep += "---|";
    head += row(s.columns) + "\n" + sep + "\n";
    const std::string tail = "\n</details>\n\n";
    if (full || out.size() + head.size() + s.rows.front().size() + 1 + tail.size() > budget) {
      full = true;
      left_out += s.rows.size();
      continue;
    }
    out += head;
    for (const std::string& r : s.rows) {
      if (full || out.size() + r.size() + 1 + tail.size() > budget) {
        full = true;
        ++left_out;
        continue;
      }
      out += r + "\n";
    }
    out += tail;
  }
  if (left_out) {
    out += "**" + grouped(left_out) + " of " + grouped(total) +
           " lines left out** to keep this under " + grouped(max_bytes) + " bytes; ";
    out += where_all_is + "\n";
  }
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return grouped(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string markdown_text(std::string_view text) {
  const std::string shown = printable(text);  // one line; control and bidi characters escaped
  std::string out;
  out.reserve(shown.size() + shown.size() / 4);
  for (char c : shown) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '@': out += "@&#8288;"; break;  // a word joiner: "@team" mentions nobody
      default:
        if (c != 0 && std::strchr("\\`*_{}[]()#+-.!|~'$:=^", c)) out += '\\';
        out += c;
    }
  }
  return out;
}

std::string plan_to_markdown(const Plan& plan, const MarkdownOptions& options) {
  const Summary& s = plan.summary;
  std::size_t recipients = 0, cutovers = 0;
  std::vector<Section> sections;
  Section imports{"Imports", {"number", "label", "Twilio account", "calls now go to"}, {}};
  Section assigns{"Agent assignments", {"number", "agent now", "agent after"}, {}};
  Section campaigns{"Campaigns", {"campaign", "from", "recipients", "suppressed", "agent"}, {}};
  for (const Action& a : plan.actions) {
    switch (a.kind) {
      case ActionKind::Import:
        if (a.routing_before) ++cutovers;
        imports.rows.push_back(row({cell(a.phone_number), cell(a.label), cell(a.twilio_account),
                                    a.routing_before ? cell(describe_routing(*a.routing_before))
                                                     : "(not listed)"}));
        break;
      case ActionKind::Assign:
        assigns.rows.push_back(row({cell(a.phone_number), cell(a.before.value_or("(none)")),
                                    agent_cell(a.agent_id, a.agent_ref)}));
        break;
      case ActionKind::Batch:
        recipients += static_cast<std::size_t>(a.calls);
        campaigns.rows.push_back(row({cell(a.batch_name), cell(a.phone_number),
                                      grouped(static_cast<std::size_t>(a.calls)),
                                      grouped(static_cast<std::size_t>(a.suppressed)),
                                      agent_cell(a.agent_id, a.agent_ref)}));
        break;
      case ActionKind::Rollback:
      case ActionKind::Undo:
      case ActionKind::Fallback: break;  // not in plan.actions: plan.fallbacks
    }
  }
  Section errors{"Errors", {"number", "problem"}, {}, true};
  for (const PlanError& e : plan.errors)
    errors.rows.push_back(row({cell(e.phone_number), cell(redact(e.message))}));
  Section warnings{"Warnings", {"kind", "number", "message"}, {}};
  for (const Warning& w : plan.warnings)
    warnings.rows.push_back(row({cell(w.kind), cell(w.phone_number), cell(redact(w.message))}));

  std::string out = std::string(kMarkdownMarker) + "\n### xuna-sync plan\n\n";
  out += "| change | count |\n|---|---:|\n";
  out += "| imports | " + grouped(imports.rows.size()) + " |\n";
  out += "| agent assignments | " + grouped(assigns.rows.size()) + " |\n";
  out += "| campaigns | " + grouped(campaigns.rows.size()) + " (" +
         plural(recipients, "recipient", "recipients") + ") |\n";
  out += "| cut-overs (Twilio routing moved to XUNA) | " + grouped(cutovers) + " |\n";
  out += "| warnings | " + grouped(plan.warnings.size()) + " |\n";
  out += "| errors | " + grouped(plan.errors.size()) + " |\n";
  out += "| unchanged | " + grouped(static_cast<std::size_t>(s.unchanged)) + " |\n";
  out += "| unmanaged | " + grouped(static_cast<std::size_t>(s.unmanaged)) + " |\n";
  if (s.deferred)
    out += "| deferred (--max-imports) | " + grouped(static_cast<std::size_t>(s.deferred)) + " |\n";
  if (s.unselected)
    out += "| not selected (--only, --exclude) | " +
           grouped(static_cast<std::size_t>(s.unselected)) + " |\n";
  if (s.unknown_batches)
    out += "| campaigns whose outcome is unknown | " +
           grouped(static_cast<std::size_t>(s.unknown_batches)) + " |\n";
  out += "\n**Safety checks:** ";
  out += options.refused ? "refused: apply would refuse this plan: " + cell(*options.refused)
                         : std::string("passed");
  out += "\n\n";
  if (!plan.errors.empty())
    out += "**" + plural(plan.errors.size(), "number", "numbers") +
           " cannot be acted on**; apply skips them and exits 1.\n\n";
  if (!plan.has_pending()) out += "No changes.\n\n";
  sections = {errors, imports, assigns, campaigns, warnings};
  add_sections(out, sections, options.max_bytes,
               options.full_plan.empty() ? std::string("run `xuna-sync plan` for the full plan.")
                                         : "the full plan is in " + cell(options.full_plan) + ".");
  return out;
}

std::string report_to_markdown(const ApplyReport& report, std::size_t max_bytes) {
  Section failed{"Failed, skipped or unknown", {"action", "number", "outcome", "why"}, {}, true};
  Section done{"Done", {"action", "number", "note"}, {}};
  for (const ActionResult& r : report.results) {
    const std::string what = r.action.kind == ActionKind::Batch
                                 ? cell(r.action.batch_name) + " from " + cell(r.action.phone_number)
                                 : cell(r.action.phone_number);
    if (r.outcome == Outcome::Ok)
      done.rows.push_back(row({to_string(r.action.kind), what, cell(redact(r.note))}));
    else
      failed.rows.push_back(row({to_string(r.action.kind), what, to_string(r.outcome),
                                 cell(redact(r.error))}));
  }
  std::string out = "<!-- xuna-sync apply -->\n### xuna-sync apply\n\n";
  out += "| outcome | actions |\n|---|---:|\n";
  out += "| ok | " + grouped(static_cast<std::size_t>(report.ok)) + " |\n";
  out += "| failed | " + grouped(static_cast<std::size_t>(report.failed)) + " |\n";
  out += "| skipped | " + grouped(static_cast<std::size_t>(report.skipped)) + " |\n";
  out += "| unknown | " + grouped(static_cast<std::size_t>(report.unknown)) + " |\n\n";
  out += std::string("**Result:** ") + (report.success() ? "succeeded" : "failed");
  if (!report.stopped.empty()) out += "; sending stopped early: " + cell(redact(report.stopped));
  out += "\n\n";
  add_sections(out, {failed, done}, max_bytes, "the job's log has every line.");
  return out;
}

}  // namespace xs

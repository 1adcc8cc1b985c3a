#pragma once
// The plan and the apply report as GitHub-flavoured Markdown, for a pull-request comment or a
// job summary (docs/DESIGN.md §3): the counts and the safety checks' verdict first, then the
// details by kind in <details> blocks, the whole kept under a size limit. What users and
// servers wrote is escaped for Markdown and HTML: no label can open a tag, close a block or
// mention anyone.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "apply/apply.h"
#include "plan/plan.h"

namespace xs {

// The first line of every Markdown plan: CI finds its earlier comment by it to update it.
inline constexpr const char* kMarkdownMarker = "<!-- xuna-sync plan -->";

struct MarkdownOptions {
  std::size_t max_bytes = 65536;  // a GitHub comment holds 65,536 characters
  // Why apply would refuse the plan (a safety check), or nullopt when the checks pass.
  std::optional<std::string> refused;
  // Where the full plan is, said when lines are left out (e.g. "PLAN.json"); empty: the
  // note says to run plan itself.
  std::string full_plan;
};

// text (one line: newlines and control characters are shown escaped, as in the text plan)
// safe inside Markdown, a table cell included: HTML's <, >, & and " as entities, Markdown's
// punctuation backslash-escaped, @ kept from making a mention.
std::string markdown_text(std::string_view text);

// The plan: the marker, a heading, the counts, the verdict, then the details; at most
// options.max_bytes bytes, with a line saying how many lines were left out and where the
// full plan is.
std::string plan_to_markdown(const Plan& plan, const MarkdownOptions& options);

// The apply report: what was done, by outcome, and each failure with its reason; at most
// max_bytes bytes, like the plan.
std::string report_to_markdown(const ApplyReport& report, std::size_t max_bytes = 65536);

}  // namespace xs

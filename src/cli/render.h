#pragma once
// Human-readable text for plans and apply results (DESIGN §4).
#include <string>

#include "apply/apply.h"
#include "cli/style.h"
#include "plan/plan.h"

namespace xs::cli {

// One line per action, warning and error, then the summary line.
std::string render_plan(const Plan& plan, const Style& style);

// "Plan: 1 to import, 1 to assign, 0 batches to submit; 10 unchanged, 3 unmanaged."
std::string render_summary(const Plan& plan);

// One line per action done, then the failures with their reasons, then a summary line.
std::string render_report(const ApplyReport& report, const Style& style);

}  // namespace xs::cli

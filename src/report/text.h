#pragma once
// Human-readable text for plans, apply results and history (docs/DESIGN.md §4). What users
// and servers wrote goes through printable(): no label or message can forge a line.
#include <string>
#include <utility>
#include <vector>

#include "apply/apply.h"
#include "plan/plan.h"
#include "report/style.h"
#include "report/history_json.h"
#include "state/store.h"

namespace xs {

// One line per action, warning and error, then the summary line.
std::string render_plan(const Plan& plan, const Style& style);

// "Plan: 1 to import, 1 to assign, 0 batches to submit; 10 unchanged, 3 unmanaged."
std::string render_summary(const Plan& plan);

// One line per action done, then the failures with their reasons, then a summary line.
std::string render_report(const ApplyReport& report, const Style& style);

// Past runs, newest first, each with its actions.
std::string render_history(const std::vector<RunWithActions>& runs, const Style& style);

}  // namespace xs

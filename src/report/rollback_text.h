#pragma once
// Rollback as text and JSON (docs/DESIGN.md §9). Webhook passwords are masked everywhere.
#include <string>
#include <vector>

#include "model/rollback.h"
#include "report/style.h"

namespace xs {

// What the rollback will do: one line per number (restore, already, problem).
std::string render_rollback_plan(const std::vector<RollbackItem>& items, bool undo,
                                 const Style& style);
// What it did, then a summary line.
std::string render_rollback_report(const std::vector<RollbackItem>& items, const Style& style);
std::string rollback_to_json(const std::vector<RollbackItem>& items, bool undo);

}  // namespace xs

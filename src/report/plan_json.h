#pragma once
// The plan as JSON (docs/DESIGN.md §4): `plan --format json` and saved plan files. Never a secret.
#include <string>

#include "plan/plan.h"
#include "plan/saved.h"

namespace xs {

// The plan document, pretty-printed.
std::string plan_to_json(const Plan& plan, const PlanHeader& header);

// Reads a saved plan; throws std::runtime_error with a clear message when it is not one.
Plan plan_from_json(const std::string& text, PlanHeader& header);

}  // namespace xs

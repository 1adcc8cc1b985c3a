#pragma once
// Applying a saved plan (DESIGN §4): compare-and-set against a fresh plan of the same mapping.
#include <string>
#include <vector>

#include "plan/plan.h"

namespace xs {

struct SavedPlanCheck {
  std::vector<std::string> moved;  // one line per saved action that no longer holds
  Plan to_apply;                   // the fresh actions that match the saved ones, in order
};

// Matches each saved action with the fresh plan's action for the same number (or campaign):
// it must still be needed and expect the same live value (`before`) and target agent.
// Fresh actions the saved plan did not have are left out: a saved plan applies exactly its
// own actions.
SavedPlanCheck check_saved_plan(const Plan& saved, const Plan& fresh);

}  // namespace xs

#pragma once
// Applying a saved plan (docs/DESIGN.md §4): compare-and-set against a fresh plan of the same
// mapping. The check lives here; the file format is report/plan_json.
#include <string>
#include <vector>

#include "plan/plan.h"

namespace xs {

// What a plan file says besides its actions.
struct PlanHeader {
  std::string api_url;
  std::string key_fingerprint;
  std::string created_at;
  std::string mapping_digest;
  std::string live_digest;            // informational: each action carries what it expects
  std::vector<std::string> sources;   // the mapping files and folders it was made from
  bool allow_routing_takeover = false;  // made with --allow-routing-takeover: applied with it
  std::vector<std::string> only, exclude;  // made with --only/--exclude: applied with them
};

struct SavedPlanCheck {
  std::vector<std::string> moved;  // one line per saved action that no longer holds
  Plan to_apply;                   // the fresh actions that match the saved ones, in order
};

// Matches each saved action with the fresh plan's action for the same number (or campaign):
// it must still be needed and expect the same live value (`before`), target agent, label,
// account and calls. Fresh actions the saved plan did not have are left out: a saved plan
// applies exactly its own actions.
SavedPlanCheck check_saved_plan(const Plan& saved, const Plan& fresh);

// Why the saved plan at path may not be applied now (another target, a changed mapping, an
// action listed twice, anything that moved), or empty; on success to_apply holds its actions.
std::string check_saved(const std::string& path, const PlanHeader& saved_header,
                        const Plan& saved, const PlanHeader& fresh_header, const Plan& fresh,
                        Plan& to_apply);

}  // namespace xs

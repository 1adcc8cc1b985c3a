#pragma once
// The part plan and apply share: mapping + one list call + state -> plan.
#include <functional>
#include <map>
#include <string>

#include "apply/apply.h"
#include "cli/context.h"
#include "model/state_view.h"
#include "plan/guards.h"
#include "plan/plan.h"
#include "report/plan_json.h"

namespace xs::cli {

struct Planned {
  Desired desired;
  Remote remote;
  LiveList live;
  Plan plan;
  PlanHeader header;
  std::map<std::string, TwilioCredentials> credentials;  // accounts with numbers to import
};

// Loads the mapping, lists XUNA once, reads the Twilio credentials the imports need, checks
// with Twilio (one paged list per account) that each account owns the numbers it would import,
// plans. CommandError(3) for bad input, CommandError(1) when XUNA cannot be listed; a Twilio
// account that cannot be checked turns its imports into plan errors.
// view_of gives the state's view for the target, once the API URL and key are known.
Planned make_planned(const Options& options,
                     const std::function<StateView(const Remote&)>& view_of);

// The guard options from the command line.
GuardOptions guard_options(const Options& options);

// Prints the plan in the chosen format on stdout (and saves it with --out).
void print_plan(const Options& options, const Planned& planned);

}  // namespace xs::cli

#pragma once
// The campaigns' part of make_plan (docs/DESIGN.md §6): who is dialled now, read from the
// per-recipient ledger in the state. Pure: no I/O, now comes in the options.
#include <set>
#include <string>
#include <unordered_map>

#include "plan/plan.h"

namespace xs::plan {

// Adds to plan each campaign's requests (recipients due now with no sent or unknown entry,
// chunked by options.batch_chunk, paced by dial_rate and max_calls_per_run), its counts, the
// ledger marks (newly suppressed or expired recipients), and its warnings. Campaigns whose
// from number is in `untouched` (outside this wave) are left out.
void plan_campaigns(const Desired& desired,
                    const std::unordered_map<std::string, const LiveNumber*>& live,
                    const std::set<std::string>& untouched, const StateView& state,
                    const PlanOptions& options, Plan& plan);

}  // namespace xs::plan

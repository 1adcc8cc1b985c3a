#pragma once
// Content digests of what the plan depends on, for saved plans (docs/DESIGN.md §4).
#include <string>

#include "model/desired.h"
#include "model/live.h"

namespace xs {

// SHA-256 of a canonical form of the desired numbers, accounts and batches (not file layout).
std::string mapping_digest(const Desired& desired);

// SHA-256 of one campaign's content (agent, from, calls and overrides), not its name.
std::string batch_digest(const BatchCampaign& batch);

// SHA-256 of one call's content as XUNA receives it (agent, from, number, override), for
// the ledger: what a recipient was dialled with.
std::string call_digest(const BatchCampaign& batch, const BatchCallTarget& call);

// SHA-256 of the live list, independent of the order the API returned it in.
std::string live_digest(const LiveList& live);

}  // namespace xs

#pragma once
// Past runs and their actions as JSON (`history --format json`).
#include <string>
#include <utility>
#include <vector>

#include "state/store.h"

namespace xs {

using RunWithActions = std::pair<state::RunRecord, std::vector<state::ActionRecord>>;

std::string history_to_json(const std::vector<RunWithActions>& runs);

}  // namespace xs

#pragma once
// What the XUNA API reports, as the tool uses it.
#include <optional>
#include <string>
#include <vector>

namespace xs {

struct LiveNumber {
  std::string phone_number_id;
  std::string phone_number;
  std::string label;
  std::optional<std::string> agent_id;  // nullopt when unassigned
};

using LiveList = std::vector<LiveNumber>;

}  // namespace xs

#pragma once
// What the planner needs to know from the state database: plain values, no SQLite.
#include <map>
#include <set>
#include <string>

namespace xs {

struct BatchRecord {
  std::string name;
  std::string digest;           // content digest of what was sent
  std::string status;           // "sent" | "unknown" | "pending"
  std::string batch_id;
  long long calls_initiated = 0;
  std::map<int, std::string> chunks;  // chunk number -> "pending" | "sent" | "unknown" | "failed"
};

struct StateView {
  std::set<std::string> managed_numbers;          // E.164 numbers this tool once managed here
  std::map<std::string, BatchRecord> batches;     // by campaign name
};

}  // namespace xs

#pragma once
// What the planner needs to know from the state: plain values, no database types.
#include <map>
#include <set>
#include <string>

#include "model/ledger.h"
#include "model/routing.h"
#include "model/vocabulary.h"

namespace xs {

// A campaign as states before the ledger kept it: one record per chunk index. Read to
// upgrade it into the ledger (sync/ledger.h), and to recognise a renamed campaign.
struct BatchRecord {
  std::string name;
  std::string digest;           // content digest of what was sent
  BatchStatus status = BatchStatus::Pending;  // folded over the chunks: Unknown if any chunk
                                              // is Unknown or Pending, Sent if all are Sent
  std::map<int, BatchStatus> chunks;          // by chunk number
};

// A number's cut-over as the state remembers it, for the probation fallback (issue 22).
struct CutoverRecord {
  std::string twilio_account;
  TwilioRouting before;        // the snapshot: routing before the cut-over
  bool reached_xuna = false;   // seen routing to XUNA after it
  bool rolled_back = false;
  ProbationFallback fallback;
};

struct StateView {
  std::set<std::string> managed_numbers;          // E.164 numbers this tool once managed here
  std::map<std::string, CampaignLedger> campaigns;  // the ledger, by campaign name
  std::map<std::string, BatchRecord> legacy_batches;  // chunk records not yet in the ledger
  bool has_history = false;                       // any run or journal entry of this target
  std::set<std::string> rolled_back;              // numbers whose last rollback stands
  std::set<std::string> snapshotted;              // numbers with a routing snapshot
  std::set<std::string> reached_xuna;             // ... seen routing to XUNA after it
  std::map<std::string, CutoverRecord> cutovers;  // every snapshot, by number
};

}  // namespace xs

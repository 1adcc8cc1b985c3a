#pragma once
// The campaign ledger (docs/DESIGN.md §6): for each recipient of a campaign, whether it was
// dialled, by which request. What the planner reads of it; the state keeps it.
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "model/desired.h"

#include "model/vocabulary.h"

namespace xs {

// One recipient of a campaign: its E.164 number and, for a campaign that calls the same
// number more than once (allow_duplicates), which of those calls (1 for the first).
struct CallKey {
  std::string recipient;
  int occurrence = 1;
  bool operator<(const CallKey& o) const {
    return std::tie(recipient, occurrence) < std::tie(o.recipient, o.occurrence);
  }
  bool operator==(const CallKey& o) const {
    return recipient == o.recipient && occurrence == o.occurrence;
  }
  // "+15551234567", or "+15551234567 (call 2)" for a repeated number.
  std::string str() const {
    return occurrence == 1 ? recipient : recipient + " (call " + std::to_string(occurrence) + ")";
  }
};

struct LedgerEntry {
  CallStatus status = CallStatus::Unknown;
  std::string request_key;      // Idempotency-Key of the request that carried it; "" when none
  std::string digest;           // call_digest of what it was sent with
  std::string campaign_digest;  // batch_digest of the campaign when it was sent
};

using CampaignLedger = std::map<CallKey, LedgerEntry>;

// Each call's key in the ledger, in the campaign's order: its number, and which call to that
// number it is.
inline std::vector<CallKey> call_keys(const BatchCampaign& b) {
  std::vector<CallKey> keys;
  keys.reserve(b.calls.size());
  std::map<std::string, int> seen;
  for (const auto& c : b.calls) keys.push_back({c.to, ++seen[c.to]});
  return keys;
}

// One call of a request, as the journal records it before the request is sent.
struct CallIntent {
  CallKey key;
  std::string digest;  // call_digest of its content
};

}  // namespace xs

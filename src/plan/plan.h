#pragma once
// make_plan(desired, live, state) -> Plan: a pure function (DESIGN §4). No I/O, no clock.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/desired.h"
#include "model/live.h"
#include "model/state_view.h"

namespace xs {

enum class ActionKind { Import, Assign, Batch };
const char* to_string(ActionKind kind);

struct Action {
  ActionKind kind = ActionKind::Import;
  std::string phone_number;              // the number acted on (a batch: its from number)
  std::string phone_number_id;           // live id; empty when an import in this plan gives it
  std::string label;                     // import
  std::string twilio_account;            // import: account name in the mapping
  std::string agent_id;                  // assign: the desired agent; batch: the calling agent
  std::string agent_ref;                 // as written in the mapping (alias or id)
  std::optional<std::string> before;     // assign: the live agent it expects to change (none)
  std::string batch_name;                // batch
  int calls = 0;                         // batch: number of calls to send now
  std::vector<int> chunks;               // batch: chunk numbers to send now
  int chunk_size = 0;                    // batch: calls per chunk
  std::string digest;                    // batch: content digest
  std::shared_ptr<const BatchCampaign> campaign;  // batch: what to send
};

struct Warning {
  std::string kind;          // label_drift | no_unassign | orphaned | duplicate_live | ...
  std::string phone_number;
  std::string message;
};

// A mapped number that cannot be acted on (e.g. its Twilio account does not own it).
struct PlanError {
  std::string phone_number;
  std::string message;
};

struct Summary {
  int imports = 0, assigns = 0, batches = 0;
  int unchanged = 0;   // mapped numbers that need nothing
  int unmanaged = 0;   // live numbers not in the mapping
  int orphaned = 0;    // unmanaged numbers this tool once managed
};

struct Plan {
  std::vector<Action> actions;   // imports, then assigns, then batches; each sorted
  std::vector<Warning> warnings;
  std::vector<PlanError> errors;
  Summary summary;
  bool has_changes() const { return !actions.empty(); }
};

// What Twilio says each account owns, for the numbers to import (DESIGN §4). An account
// missing from `owned` was not checked; one in `failed` could not be checked (the reason).
struct Ownership {
  std::map<std::string, std::set<std::string>> owned;  // account name -> E.164 numbers
  std::map<std::string, std::string> failed;           // account name -> reason
};

struct PlanOptions {
  int batch_chunk = 1000;               // calls per batch request
  std::set<std::string> resubmit;       // campaigns whose unknown chunks may be sent again
};

// The actions that bring live in line with desired, and what cannot be brought in line.
Plan make_plan(const Desired& desired, const LiveList& live, const StateView& state,
               const Ownership& ownership = {}, const PlanOptions& options = {});

}  // namespace xs

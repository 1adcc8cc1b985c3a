#pragma once
// A campaign's ledger, one row per recipient (`history --campaign NAME`): the evidence a
// compliance review asks for, as text, CSV (RFC 4180) or JSON.
#include <string>
#include <utility>
#include <vector>

#include "state/store.h"

namespace xs {

// Each target's API URL with one of its ledger rows.
using LedgerRow = std::pair<std::string, state::CallRecord>;

std::string ledger_to_text(const std::string& campaign, const std::vector<LedgerRow>& rows);
// Header: number,call,status,batch_id,time,run,request_key,note,api_url. Text from servers
// is escaped as in every other output, and a field that a spreadsheet would take for a
// formula (=, -, @) starts with a quote.
std::string ledger_to_csv(const std::vector<LedgerRow>& rows);
// {"campaign": NAME, "calls": [{"number", "call", "status", "batch_id", "time", "run",
// "request_key", "note", "api_url"}]}
std::string ledger_to_json(const std::string& campaign, const std::vector<LedgerRow>& rows);

}  // namespace xs

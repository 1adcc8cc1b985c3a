#pragma once
// The campaign ledger as the engine keeps it (docs/DESIGN.md §6): chunk records of states
// written before the ledger read as recipients, and what a run records besides its requests.
#include <cstdint>
#include <vector>

#include "model/desired.h"
#include "model/state_view.h"
#include "plan/plan.h"
#include "state/store.h"
#include "util/clock.h"

namespace xs::sync {

// The ledger rows a campaign's chunk records (one per chunk index, as states before the
// ledger kept them) stand for. Where the chunks can be mapped to recipients with certainty
// (the content digest is the campaign's, and every recorded chunk exists at the default chunk
// size with recipients grouped by zone, as that version numbered them) each recipient gets
// its chunk's outcome (sent, or unknown for pending/unknown; failed chunks dialled nobody).
// Where they cannot, every recipient such a chunk may have carried is unknown.
std::vector<state::CallRecord> ledger_from_chunks(const BatchCampaign& campaign,
                                                  const std::vector<state::BatchChunkRecord>& chunks);

// For each campaign of desired that has chunk records and no ledger rows: its rows, put into
// view; with write, also stored (and the chunk rows dropped) in one transaction each.
void upgrade_chunk_records(state::Store& store, std::int64_t target, const Desired& desired,
                           StateView& view, bool write, Clock& clock);

// What an approved run records in the ledger besides its requests: recipients newly
// suppressed or expired (evidence), and campaigns held back as unknown by the guard.
void record_ledger_marks(state::Store& store, std::int64_t target, std::int64_t run,
                         const Plan& plan, Clock& clock);

}  // namespace xs::sync

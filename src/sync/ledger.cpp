#include "sync/ledger.h"

#include <algorithm>
#include <map>

#include "model/digest_of.h"
#include "plan/windows.h"

namespace xs::sync {
namespace {

// The chunk size every state before the ledger used unless --batch-chunk said otherwise.
constexpr std::size_t kDefaultChunk = 1000;

// The recipients of each chunk as the chunk-index version numbered them at kDefaultChunk:
// zones in name order, slices of kDefaultChunk calls in mapping order.
std::vector<std::vector<std::size_t>> default_chunks(const BatchCampaign& b) {
  std::vector<std::vector<std::size_t>> out;
  for (const auto& [zone, calls] : plan::calls_by_timezone(b))
    for (std::size_t begin = 0; begin < calls.size(); begin += kDefaultChunk)
      out.emplace_back(calls.begin() + static_cast<std::ptrdiff_t>(begin),
                       calls.begin() + static_cast<std::ptrdiff_t>(std::min(calls.size(), begin + kDefaultChunk)));
  return out;
}

}  // namespace

std::vector<state::CallRecord> ledger_from_chunks(const BatchCampaign& b,
                                                  const std::vector<state::BatchChunkRecord>& chunks) {
  const std::string digest = batch_digest(b);
  const auto layout = default_chunks(b);
  const std::vector<CallKey> keys = call_keys(b);
  bool certain = true;
  for (const auto& c : chunks)
    certain = certain && c.digest == digest && c.chunk >= 0 &&
              static_cast<std::size_t>(c.chunk) < layout.size();
  std::vector<state::CallRecord> out;
  auto record = [&](std::size_t call, const state::BatchChunkRecord& c, CallStatus status,
                    const std::string& note) {
    state::CallRecord r;
    r.campaign = b.name;
    r.key = keys[call];
    r.status = status;
    r.request_key = c.idempotency_key;
    r.batch_id = c.batch_id;
    r.digest = certain ? call_digest(b, b.calls[call]) : "";
    r.campaign_digest = c.digest;
    r.note = note;
    out.push_back(std::move(r));
  };
  if (certain) {
    for (const auto& c : chunks) {
      if (c.status == BatchStatus::Failed) continue;  // refused: nobody was dialled
      const CallStatus status = c.status == BatchStatus::Sent ? CallStatus::Sent : CallStatus::Unknown;
      for (std::size_t call : layout[static_cast<std::size_t>(c.chunk)])
        record(call, c, status, "chunk " + std::to_string(c.chunk + 1) + " before the ledger");
    }
    return out;
  }
  // Which recipients a chunk carried is not known: anyone may have been dialled by any chunk
  // that was not refused.
  const state::BatchChunkRecord* any = nullptr;
  for (const auto& c : chunks)
    if (c.status != BatchStatus::Failed && (!any || c.chunk < any->chunk)) any = &c;
  if (!any) return out;
  state::BatchChunkRecord blank = *any;
  blank.idempotency_key.clear();  // no single request carried them all: --resubmit sends anew
  blank.batch_id.clear();
  for (std::size_t i = 0; i < b.calls.size(); ++i)
    record(i, blank, CallStatus::Unknown,
           "chunk records before the ledger cannot be mapped to recipients (chunk size or "
           "content changed); may have been dialled");
  return out;
}

void upgrade_chunk_records(state::Store& store, std::int64_t target, const Desired& desired,
                           StateView& view, bool write, Clock& clock) {
  for (const BatchCampaign& b : desired.batches) {
    if (!view.legacy_batches.count(b.name) || view.campaigns.count(b.name)) continue;
    const std::vector<state::CallRecord> rows =
        ledger_from_chunks(b, store.batch_chunks(target, b.name));
    if (write) store.upgrade_campaign(target, b.name, rows, clock.now_iso());
    CampaignLedger& ledger = view.campaigns[b.name];
    for (const auto& r : rows) ledger[r.key] = {r.status, r.request_key, r.digest, r.campaign_digest};
    view.legacy_batches.erase(b.name);
  }
}

void record_ledger_marks(state::Store& store, std::int64_t target, std::int64_t run,
                         const Plan& plan, Clock& clock) {
  for (const auto& m : plan.marks) {
    std::vector<state::CallRecord> rows;
    for (const auto& [keys, status] :
         {std::pair{&m.suppressed, CallStatus::Suppressed}, std::pair{&m.expired, CallStatus::Expired}})
      for (const CallKey& k : *keys) {
        state::CallRecord r;
        r.campaign = m.name;
        r.key = k;
        r.status = status;
        r.run = run;
        rows.push_back(std::move(r));
      }
    store.record_calls(target, m.name, rows, clock.now_iso());
  }
  for (const auto& u : plan.unrecorded) {
    std::vector<state::CallRecord> rows;
    for (const auto& [key, digest] : u.calls) {
      state::CallRecord r;
      r.campaign = u.name;
      r.key = key;
      r.status = CallStatus::Unknown;
      r.run = run;
      r.digest = digest;
      r.campaign_digest = u.digest;
      r.note = "this state had no record of the target; may have been sent from another state";
      rows.push_back(std::move(r));
    }
    store.record_calls(target, u.name, rows, clock.now_iso());
  }
}

}  // namespace xs::sync

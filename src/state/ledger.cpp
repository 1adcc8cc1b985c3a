// The campaign ledger: one row per recipient of a campaign (docs/DESIGN.md §6). A row that
// says sent, or unknown under another request, is never written over by an intent: the
// state itself refuses to dial a recipient twice, whatever the planner decided.
#include <algorithm>

#include "state/sql_store.h"

namespace xs::state {
namespace {

constexpr std::size_t kRowsPerStatement = 200;

constexpr const char* kCallColumns =
    "SELECT campaign, recipient, occurrence, status, request_key, run_id, batch_id, digest, "
    "campaign_digest, note, updated_at FROM campaign_calls WHERE target_id = ?1 ";

// The insert of `rows` ledger rows: ?1 target, ?2 campaign, ?3 now, then kPerRow values a
// row (recipient, occurrence, status, request_key, run_id, batch_id, digest, campaign_digest,
// note).
constexpr std::size_t kPerRow = 9;
std::string insert_calls(std::size_t rows) {
  std::string sql =
      "INSERT INTO campaign_calls(target_id, campaign, recipient, occurrence, status, "
      "request_key, run_id, batch_id, digest, campaign_digest, note, updated_at) VALUES";
  for (std::size_t i = 0; i < rows; ++i) {
    sql += i ? ", (?1, ?2" : "(?1, ?2";
    for (std::size_t k = 0; k < kPerRow; ++k) sql += ", ?" + std::to_string(4 + i * kPerRow + k);
    sql += ", ?3)";
  }
  return sql;
}

// What replaces a row already there; `where` says which rows may be replaced.
std::string on_conflict(const std::string& where) {
  return " ON CONFLICT(target_id, campaign, recipient, occurrence) DO UPDATE SET "
         "status = excluded.status, request_key = excluded.request_key, run_id = "
         "excluded.run_id, batch_id = excluded.batch_id, digest = excluded.digest, "
         "campaign_digest = excluded.campaign_digest, note = excluded.note, updated_at = "
         "excluded.updated_at WHERE " +
         where;
}

void add_row(Params& p, const CallRecord& r) {
  p.emplace_back(r.key.recipient);
  p.emplace_back(r.key.occurrence);
  p.emplace_back(to_string(r.status));
  p.emplace_back(r.request_key);
  p.emplace_back(static_cast<long>(r.run));
  p.emplace_back(r.batch_id);
  p.emplace_back(r.digest);
  p.emplace_back(r.campaign_digest);
  p.emplace_back(r.note);
}

// Writes records (all of one campaign) in statements of kRowsPerStatement rows; the rows it
// changed.
std::int64_t write_calls(Db& db, std::int64_t target, const std::string& campaign,
                         const std::vector<CallRecord>& records, const std::string& now,
                         const std::string& conflict) {
  std::int64_t changed = 0;
  for (std::size_t begin = 0; begin < records.size(); begin += kRowsPerStatement) {
    const std::size_t end = std::min(records.size(), begin + kRowsPerStatement);
    Params p{target, campaign, now};
    for (std::size_t i = begin; i < end; ++i) add_row(p, records[i]);
    changed += db.exec(insert_calls(end - begin) + conflict, p);
  }
  return changed;
}

}  // namespace

std::vector<CallRecord> read_calls(Db& db, std::int64_t target, const std::string* campaign) {
  const Rows rows =
      campaign ? db.query(std::string(kCallColumns) + "AND campaign = ?2 ORDER BY recipient, occurrence",
                          {target, *campaign})
               : db.query(std::string(kCallColumns) + "ORDER BY campaign, recipient, occurrence",
                          {target});
  std::vector<CallRecord> out;
  out.reserve(rows.size());
  for (const Row& q : rows) {
    CallRecord r;
    r.campaign = q[0];
    r.key.recipient = q[1];
    r.key.occurrence = static_cast<int>(to_int(q[2]));
    const auto status = parse_call_status(q[3]);
    if (!status) throw DbError("campaign " + q[0] + " has an unknown call status '" + q[3] + "'");
    r.status = *status;
    r.request_key = q[4];
    r.run = to_int(q[5]);
    r.batch_id = q[6];
    r.digest = q[7];
    r.campaign_digest = q[8];
    r.note = q[9];
    r.updated_at = q[10];
    out.push_back(std::move(r));
  }
  return out;
}

void SqlStore::record_call_intent(std::int64_t target, std::int64_t run,
                                  const std::string& campaign, const std::string& campaign_digest,
                                  const std::vector<CallIntent>& calls,
                                  const std::string& request_key, const std::string& now,
                                  const std::string& lock_token) {
  writable("record_call_intent");
  if (request_key.empty()) fail("record_call_intent: a request needs its idempotency key");
  locked("record_call_intent", [&] {
    try {
      Tx tx(*db_, true);  // the lock check and the rows, with no writer in between
      if (!lock_token.empty()) check_lock_locked(target, lock_token);
      std::vector<CallRecord> rows;
      rows.reserve(calls.size());
      for (const CallIntent& c : calls) {
        CallRecord r;
        r.key = c.key;
        r.status = CallStatus::Unknown;  // from now on the request may have been accepted
        r.request_key = request_key;
        r.run = run;
        r.digest = c.digest;
        r.campaign_digest = campaign_digest;
        rows.push_back(std::move(r));
      }
      // Only a recipient never dialled, or one whose outcome is unknown under this very
      // request (--resubmit) or under none (recorded unknown without a request).
      const std::int64_t changed = write_calls(
          *db_, target, campaign, rows, now,
          on_conflict("campaign_calls.status NOT IN ('sent', 'unknown') OR "
                      "(campaign_calls.status = 'unknown' AND campaign_calls.request_key IN "
                      "(excluded.request_key, ''))"));
      if (changed != static_cast<std::int64_t>(rows.size()))
        fail("campaign " + campaign + ": " + std::to_string(rows.size() - changed) + " of " +
             std::to_string(rows.size()) +
             " recipients of this request are already recorded as dialled or unknown; "
             "the request is not sent");
      tx.commit();
    } catch (const ConnectionLost& e) {  // and with it the session that held the lock
      if (lock_token.empty()) throw;
      fail(std::string("this run no longer holds the lock (") + e.what() + ")", true);
    }
  });
}

void SqlStore::record_call_outcome(std::int64_t target, const std::string& campaign,
                                   const std::string& request_key, CallStatus status,
                                   const std::string& batch_id, const std::string& note,
                                   const std::string& now) {
  if (status != CallStatus::Sent && status != CallStatus::Unknown && status != CallStatus::Failed)
    fail(std::string("record_call_outcome: '") + to_string(status) + "' is not a request's outcome");
  writable("record_call_outcome");
  locked("record_call_outcome", [&] {
    if (db_->exec("UPDATE campaign_calls SET status = ?1, batch_id = ?2, note = ?3, "
                  "updated_at = ?4 WHERE target_id = ?5 AND campaign = ?6 AND request_key = ?7 "
                  "AND status = 'unknown'",
                  {to_string(status), batch_id, note, now, target, campaign, request_key}) == 0)
      fail("no intent recorded for campaign " + campaign + " request " + request_key);
  });
}

void SqlStore::record_calls(std::int64_t target, const std::string& campaign,
                            const std::vector<CallRecord>& records, const std::string& now) {
  writable("record_calls");
  if (records.empty()) return;
  locked("record_calls", [&] {
    Tx tx(*db_, true);
    write_calls(*db_, target, campaign, records, now,
                on_conflict("campaign_calls.status NOT IN ('sent', 'unknown')"));
    tx.commit();
  });
}

void SqlStore::upgrade_campaign(std::int64_t target, const std::string& campaign,
                                const std::vector<CallRecord>& records, const std::string& now) {
  writable("upgrade_campaign");
  locked("upgrade_campaign", [&] {
    Tx tx(*db_, true);
    // A row the ledger has already wins over what the chunks are read as.
    write_calls(*db_, target, campaign, records, now,
                " ON CONFLICT(target_id, campaign, recipient, occurrence) DO NOTHING");
    db_->exec("DELETE FROM batches WHERE target_id = ?1 AND name = ?2", {target, campaign});
    tx.commit();
  });
}

std::vector<CallRecord> SqlStore::campaign_calls(std::int64_t target, const std::string& campaign) {
  return locked("campaign_calls", [&] {
    if (!has_table("campaign_calls")) return std::vector<CallRecord>();
    return read_calls(*db_, target, campaign.empty() ? nullptr : &campaign);
  });
}

}  // namespace xs::state

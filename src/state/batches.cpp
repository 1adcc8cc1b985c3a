// Batch-call campaigns: one row per chunk, intent before the request, outcome after (docs/DESIGN.md §6).
#include "state/sql_store.h"

namespace xs::state {

std::vector<BatchChunkRecord> read_chunks(Db& db, std::int64_t target, const std::string* name) {
  const std::string columns =
      "SELECT name, chunk, digest, status, batch_id, calls_initiated, idempotency_key, "
      "created_at, updated_at FROM batches WHERE target_id = ?1 ";
  const Rows rows = name ? db.query(columns + "AND name = ?2 ORDER BY chunk", {target, *name})
                         : db.query(columns + "ORDER BY name, chunk", {target});
  std::vector<BatchChunkRecord> out;
  for (const Row& q : rows) {
    BatchChunkRecord c;
    c.name = q[0];
    c.chunk = static_cast<int>(to_int(q[1]));
    c.digest = q[2];
    const auto status = parse_batch_status(q[3]);
    if (!status) throw DbError("batch " + q[0] + " has an unknown status '" + q[3] + "'");
    c.status = *status;
    c.batch_id = q[4];
    c.calls_initiated = to_int(q[5]);
    c.idempotency_key = q[6];
    c.created_at = q[7];
    c.updated_at = q[8];
    out.push_back(std::move(c));
  }
  return out;
}

void SqlStore::record_batch_intent(std::int64_t target, const std::string& name, int chunk,
                                   const std::string& digest, const std::string& idempotency_key,
                                   const std::string& now, const std::string& lock_token) {
  writable("record_batch_intent");
  locked("record_batch_intent", [&] {
    try {
      write_batch_intent(target, name, chunk, digest, idempotency_key, now, lock_token);
    } catch (const ConnectionLost& e) {  // and with it the session that held the lock
      if (lock_token.empty()) throw;
      fail(std::string("this run no longer holds the lock (") + e.what() + ")", true);
    }
  });
}

void SqlStore::write_batch_intent(std::int64_t target, const std::string& name, int chunk,
                                  const std::string& digest, const std::string& idempotency_key,
                                  const std::string& now, const std::string& lock_token) {
  {
    Tx tx(*db_, true);  // the lock check and the insert, with no writer in between
    if (!lock_token.empty()) check_lock_locked(target, lock_token);
    db_->exec(
        "INSERT INTO batches(target_id, name, chunk, digest, idempotency_key, created_at, "
        "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6) "
        "ON CONFLICT(target_id, name, chunk) DO UPDATE SET status = 'pending', "
        "digest = excluded.digest, idempotency_key = excluded.idempotency_key, "
        "batch_id = '', calls_initiated = 0, updated_at = excluded.updated_at",
        {target, name, chunk, digest, idempotency_key, now});
    tx.commit();
  }
}

void SqlStore::record_batch_outcome(std::int64_t target, const std::string& name, int chunk,
                                    BatchStatus status, const std::string& batch_id,
                                    long long calls_initiated, const std::string& now) {
  if (status == BatchStatus::Pending)
    fail("record_batch_outcome: 'pending' is not a batch outcome");
  writable("record_batch_outcome");
  locked("record_batch_outcome", [&] {
    if (db_->exec("UPDATE batches SET status = ?1, batch_id = ?2, calls_initiated = ?3, "
                  "updated_at = ?4 WHERE target_id = ?5 AND name = ?6 AND chunk = ?7",
                  {to_string(status), batch_id, calls_initiated, now, target, name, chunk}) == 0)
      fail("no intent recorded for batch " + name + " chunk " + std::to_string(chunk));
  });
}

std::vector<BatchChunkRecord> SqlStore::batch_chunks(std::int64_t target, const std::string& name) {
  return locked("batch_chunks", [&] {
    if (!has_table("batches")) return std::vector<BatchChunkRecord>();
    return read_chunks(*db_, target, &name);
  });
}

}  // namespace xs::state

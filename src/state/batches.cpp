// Campaign chunk records from before the ledger (schema 2 and 3): read to upgrade a campaign
// into the ledger (sync/ledger.h) and by state copy; nothing writes them any more.
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

std::vector<BatchChunkRecord> SqlStore::batch_chunks(std::int64_t target, const std::string& name) {
  return locked("batch_chunks", [&] {
    if (!has_table("batches")) return std::vector<BatchChunkRecord>();
    return read_chunks(*db_, target, &name);
  });
}

}  // namespace xs::state

// Batch-call campaigns: one row per chunk, intent before the request, outcome after (DESIGN §6).
#include <SQLiteCpp/Statement.h>

#include "state/store.h"
#include "state/store_impl.h"

namespace xs::state {
namespace {

std::vector<BatchChunkRecord> read_chunks(SQLite::Statement& q) {
  std::vector<BatchChunkRecord> out;
  while (q.executeStep()) {
    BatchChunkRecord c;
    c.name = text(q.getColumn(0));
    c.chunk = q.getColumn(1).getInt();
    c.digest = text(q.getColumn(2));
    c.status = text(q.getColumn(3));
    c.batch_id = text(q.getColumn(4));
    c.calls_initiated = q.getColumn(5).getInt64();
    c.idempotency_key = text(q.getColumn(6));
    c.created_at = text(q.getColumn(7));
    c.updated_at = text(q.getColumn(8));
    out.push_back(std::move(c));
  }
  return out;
}

constexpr const char* kChunkColumns =
    "SELECT name, chunk, digest, status, batch_id, calls_initiated, idempotency_key, created_at, "
    "updated_at FROM batches ";

}  // namespace

void Store::record_batch_intent(std::int64_t target, const std::string& name, int chunk,
                                const std::string& digest, const std::string& idempotency_key,
                                const std::string& now) {
  impl_->locked("record_batch_intent", [&](SQLite::Database&) {
    SQLite::Statement& q = impl_->statement(
        "INSERT INTO batches(target_id, name, chunk, digest, idempotency_key, created_at, "
        "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6) "
        "ON CONFLICT(target_id, name, chunk) DO UPDATE SET status = 'pending', "
        "digest = excluded.digest, idempotency_key = excluded.idempotency_key, "
        "batch_id = '', calls_initiated = 0, updated_at = excluded.updated_at");
    q.bind(1, static_cast<std::int64_t>(target));
    q.bind(2, name);
    q.bind(3, static_cast<std::int64_t>(chunk));
    q.bind(4, digest);
    q.bind(5, idempotency_key);
    q.bind(6, now);
    q.exec();
  });
}

void Store::record_batch_outcome(std::int64_t target, const std::string& name, int chunk,
                                 const std::string& status, const std::string& batch_id,
                                 long long calls_initiated, const std::string& now) {
  if (status != "sent" && status != "unknown" && status != "failed") {
    throw StateError("record_batch_outcome: '" + status + "' is not a batch outcome");
  }
  impl_->locked("record_batch_outcome", [&](SQLite::Database&) {
    SQLite::Statement& q = impl_->statement(
        "UPDATE batches SET status = ?, batch_id = ?, calls_initiated = ?, updated_at = ? "
        "WHERE target_id = ? AND name = ? AND chunk = ?");
    q.bind(1, status);
    q.bind(2, batch_id);
    q.bind(3, static_cast<std::int64_t>(calls_initiated));
    q.bind(4, now);
    q.bind(5, static_cast<std::int64_t>(target));
    q.bind(6, name);
    q.bind(7, static_cast<std::int64_t>(chunk));
    if (q.exec() == 0) {
      throw StateError("state file " + impl_->path + ": no intent recorded for batch " + name +
                       " chunk " + std::to_string(chunk));
    }
  });
}

std::vector<BatchChunkRecord> Store::batch_chunks(std::int64_t target, const std::string& name) {
  return impl_->locked("batch_chunks", [&](SQLite::Database& db) {
    SQLite::Statement q(
        db, std::string(kChunkColumns) + "WHERE target_id = ? AND name = ? ORDER BY chunk");
    q.bind(1, static_cast<std::int64_t>(target));
    q.bind(2, name);
    return read_chunks(q);
  });
}

std::map<std::string, BatchRecord> batch_view(SQLite::Database& db, std::int64_t target) {
  SQLite::Statement q(db, std::string(kChunkColumns) + "WHERE target_id = ? ORDER BY name, chunk");
  q.bind(1, target);
  std::map<std::string, BatchRecord> out;
  std::map<std::string, bool> all_sent, uncertain;
  for (const BatchChunkRecord& c : read_chunks(q)) {
    auto [it, first] = out.try_emplace(c.name);
    BatchRecord& b = it->second;
    if (first) {  // chunk order: the lowest (normally 0) names the batch
      b.name = c.name;
      b.digest = c.digest;
      b.batch_id = c.batch_id;
      all_sent[c.name] = true;
      uncertain[c.name] = false;
    }
    b.calls_initiated += c.calls_initiated;
    b.chunks[c.chunk] = c.status;
    all_sent[c.name] = all_sent[c.name] && c.status == "sent";
    uncertain[c.name] = uncertain[c.name] || c.status == "unknown" || c.status == "pending";
  }
  for (auto& [name, b] : out) {
    b.status = uncertain[name] ? "unknown" : all_sent[name] ? "sent" : "failed";
  }
  return out;
}

}  // namespace xs::state

// The apply lock: one row, taken inside an IMMEDIATE transaction so two processes cannot both win.
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "state/store.h"
#include "state/store_impl.h"

namespace xs::state {
namespace {

std::optional<LockHolder> read_holder(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT pid, host, since FROM lock WHERE id = 1");
  if (!q.executeStep()) return std::nullopt;
  return LockHolder{q.getColumn(0).getInt(), text(q.getColumn(1)), text(q.getColumn(2))};
}

void write_holder(SQLite::Database& db, int pid, const std::string& host, const std::string& now) {
  SQLite::Statement q(db, "INSERT OR REPLACE INTO lock(id, pid, host, since) VALUES(1, ?, ?, ?)");
  q.bind(1, static_cast<std::int64_t>(pid));
  q.bind(2, host);
  q.bind(3, now);
  q.exec();
}

}  // namespace

LockResult Store::acquire_lock(int pid, const std::string& host, const std::string& now,
                               const std::function<bool(int)>& pid_alive) {
  return impl_->locked("acquire_lock", [&](SQLite::Database& db) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    LockResult result;
    const std::optional<LockHolder> held = read_holder(db);
    if (!held) {
      write_holder(db, pid, host, now);
      result.kind = LockResult::Kind::Acquired;
      result.holder = LockHolder{pid, host, now};
    } else if (held->pid == pid && held->host == host) {
      result.kind = LockResult::Kind::Acquired;  // ours already: keep its `since`
      result.holder = *held;
    } else if (held->host == host && !pid_alive(held->pid)) {
      write_holder(db, pid, host, now);
      result.kind = LockResult::Kind::TakenOver;
      result.holder = *held;
    } else {
      result.kind = LockResult::Kind::Held;
      result.holder = *held;
    }
    tx.commit();
    return result;
  });
}

void Store::release_lock(int pid) {
  impl_->locked("release_lock", [&](SQLite::Database& db) {
    SQLite::Statement q(db, "DELETE FROM lock WHERE id = 1 AND pid = ?");
    q.bind(1, static_cast<std::int64_t>(pid));
    q.exec();
  });
}

std::optional<LockHolder> Store::lock_holder() {
  return impl_->locked("lock_holder", [](SQLite::Database& db) { return read_holder(db); });
}

void Store::force_unlock() {
  impl_->locked("force_unlock", [](SQLite::Database& db) { db.exec("DELETE FROM lock"); });
}

}  // namespace xs::state

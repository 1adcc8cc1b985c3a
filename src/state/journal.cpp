// The journal: action intents and outcomes, and the numbers this tool manages.
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "state/store.h"
#include "state/store_impl.h"

namespace xs::state {
namespace {

constexpr const char* kActionColumns =
    "SELECT id, run_id, kind, phone_number, detail, idempotency_key, outcome, error, "
    "phone_number_id, started_at, finished_at FROM actions ";

std::vector<ActionRecord> read_actions(SQLite::Statement& q) {
  std::vector<ActionRecord> out;
  while (q.executeStep()) {
    ActionRecord a;
    a.id = q.getColumn(0).getInt64();
    a.run_id = q.getColumn(1).getInt64();
    a.kind = text(q.getColumn(2));
    a.phone_number = text(q.getColumn(3));
    a.detail = text(q.getColumn(4));
    a.idempotency_key = text(q.getColumn(5));
    a.outcome = text(q.getColumn(6));
    a.error = text(q.getColumn(7));
    a.phone_number_id = text(q.getColumn(8));
    a.started_at = text(q.getColumn(9));
    a.finished_at = text(q.getColumn(10));
    out.push_back(std::move(a));
  }
  return out;
}

// Insert or refresh one managed number; an empty id keeps the one already known.
void upsert_managed(SQLite::Statement& q, std::int64_t target, const std::string& number,
                    const std::string& id, const std::string& now) {
  q.reset();
  q.clearBindings();
  q.bind(1, target);
  q.bind(2, number);
  q.bind(3, id);
  q.bind(4, now);
  q.exec();
}

constexpr const char* kUpsertManaged =
    "INSERT INTO managed_numbers(target_id, phone_number, phone_number_id, first_seen, "
    "last_applied) VALUES(?1, ?2, ?3, ?4, ?4) "
    "ON CONFLICT(target_id, phone_number) DO UPDATE SET last_applied = excluded.last_applied, "
    "phone_number_id = CASE WHEN excluded.phone_number_id <> '' THEN excluded.phone_number_id "
    "ELSE managed_numbers.phone_number_id END";

}  // namespace

std::int64_t Store::record_intent(std::int64_t run, const ActionIntent& intent,
                                  const std::string& now) {
  return impl_->locked("record_intent", [&](SQLite::Database& db) {
    // Autocommit: the row is committed (in the WAL) when exec() returns.
    SQLite::Statement& q =
        impl_->statement("INSERT INTO actions(run_id, target_id, kind, phone_number, detail, "
                         "idempotency_key, started_at) "
                         "SELECT id, target_id, ?, ?, ?, ?, ? FROM runs WHERE id = ?");
    q.bind(1, intent.kind);
    q.bind(2, intent.phone_number);
    q.bind(3, intent.detail);
    q.bind(4, intent.idempotency_key);
    q.bind(5, now);
    q.bind(6, static_cast<std::int64_t>(run));
    if (q.exec() == 0) {
      throw StateError("state file " + impl_->path + ": no run " + std::to_string(run));
    }
    return db.getLastInsertRowid();
  });
}

void Store::record_outcome(std::int64_t action, const std::string& outcome,
                           const std::string& error, const std::string& phone_number_id,
                           const std::string& now) {
  if (outcome.empty() || outcome == "pending") {
    throw StateError("record_outcome: '" + outcome + "' is not an outcome");
  }
  impl_->locked("record_outcome", [&](SQLite::Database&) {
    SQLite::Statement& q = impl_->statement(
        "UPDATE actions SET outcome = ?, error = ?, phone_number_id = ?, finished_at = ? "
        "WHERE id = ?");
    q.bind(1, outcome);
    q.bind(2, error);
    q.bind(3, phone_number_id);
    q.bind(4, now);
    q.bind(5, static_cast<std::int64_t>(action));
    if (q.exec() == 0) {
      throw StateError("state file " + impl_->path + ": no action " + std::to_string(action));
    }
  });
}

std::vector<ActionRecord> Store::unfinished_actions(std::int64_t target) {
  return impl_->locked("unfinished_actions", [&](SQLite::Database& db) {
    SQLite::Statement q(db, std::string(kActionColumns) +
                                "WHERE target_id = ? AND outcome = 'pending' ORDER BY id");
    q.bind(1, static_cast<std::int64_t>(target));
    return read_actions(q);
  });
}

std::vector<ActionRecord> Store::actions_of(std::int64_t run) {
  return impl_->locked("actions_of", [&](SQLite::Database& db) {
    SQLite::Statement q(db, std::string(kActionColumns) + "WHERE run_id = ? ORDER BY id");
    q.bind(1, static_cast<std::int64_t>(run));
    return read_actions(q);
  });
}

void Store::mark_managed(std::int64_t target, const std::string& phone_number,
                         const std::string& phone_number_id, const std::string& now) {
  impl_->locked("mark_managed", [&](SQLite::Database& db) {
    SQLite::Statement q(db, kUpsertManaged);
    upsert_managed(q, target, phone_number, phone_number_id, now);
  });
}

void Store::mark_managed_many(std::int64_t target, const std::vector<ManagedNumber>& numbers,
                              const std::string& now) {
  impl_->locked("mark_managed_many", [&](SQLite::Database& db) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement& q = impl_->statement(kUpsertManaged);
    for (const auto& n : numbers) upsert_managed(q, target, n.phone_number, n.phone_number_id, now);
    tx.commit();
  });
}

std::vector<ManagedNumber> Store::managed_numbers(std::int64_t target) {
  return impl_->locked("managed_numbers", [&](SQLite::Database& db) {
    SQLite::Statement q(db,
                        "SELECT phone_number, phone_number_id, first_seen, last_applied "
                        "FROM managed_numbers WHERE target_id = ? ORDER BY phone_number");
    q.bind(1, static_cast<std::int64_t>(target));
    std::vector<ManagedNumber> out;
    while (q.executeStep()) {
      out.push_back(
          {text(q.getColumn(0)), text(q.getColumn(1)), text(q.getColumn(2)), text(q.getColumn(3))});
    }
    return out;
  });
}

std::vector<TargetRecord> Store::targets() {
  return impl_->locked("targets", [&](SQLite::Database& db) {
    SQLite::Statement q(db,
                        "SELECT t.id, t.api_url, t.key_fingerprint, "
                        "(SELECT COUNT(*) FROM managed_numbers m WHERE m.target_id = t.id), "
                        "(SELECT COUNT(*) FROM runs r WHERE r.target_id = t.id) "
                        "FROM targets t ORDER BY t.id");
    std::vector<TargetRecord> out;
    while (q.executeStep()) {
      out.push_back({q.getColumn(0).getInt64(), text(q.getColumn(1)), text(q.getColumn(2)),
                     q.getColumn(3).getInt(), q.getColumn(4).getInt()});
    }
    return out;
  });
}

}  // namespace xs::state

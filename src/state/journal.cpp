// The journal: action intents (with their routing snapshot) and outcomes, and the numbers this
// tool manages.
#include <algorithm>
#include <map>
#include <optional>

#include "state/sql_store.h"

namespace xs::state {
namespace {

constexpr const char* kActionColumns =
    "SELECT id, run_id, kind, phone_number, detail, idempotency_key, outcome, error, "
    "phone_number_id, started_at, finished_at FROM actions ";

std::vector<ActionRecord> to_actions(const Rows& rows) {
  std::vector<ActionRecord> out;
  for (const Row& q : rows) {
    ActionRecord a;
    a.id = to_int(q[0]);
    a.run_id = to_int(q[1]);
    const auto kind = parse_action_kind(q[2]);
    const auto outcome = parse_outcome(q[6]);
    if (!kind || !outcome) throw DbError("action " + q[0] + " has an unknown kind or outcome");
    a.kind = *kind;
    a.phone_number = q[3];
    a.detail = q[4];
    a.idempotency_key = q[5];
    a.outcome = *outcome;
    a.error = q[7];
    a.phone_number_id = q[8];
    a.started_at = q[9];
    a.finished_at = q[10];
    out.push_back(std::move(a));
  }
  return out;
}

// The upsert of `rows` managed numbers in one statement: ?1 the target, ?2 now, then a number
// and its id per row. An empty id keeps the one already known.
std::string upsert_managed(std::size_t rows) {
  std::string sql =
      "INSERT INTO managed_numbers(target_id, phone_number, phone_number_id, first_seen, "
      "last_applied) VALUES";
  for (std::size_t i = 0; i < rows; ++i) {
    sql += (i ? ", (?1, ?" : "(?1, ?") + std::to_string(3 + 2 * i) + ", ?" +
           std::to_string(4 + 2 * i) + ", ?2, ?2)";
  }
  return sql +
         " ON CONFLICT(target_id, phone_number) DO UPDATE SET last_applied = "
         "excluded.last_applied, phone_number_id = CASE WHEN excluded.phone_number_id <> '' "
         "THEN excluded.phone_number_id ELSE managed_numbers.phone_number_id END";
}
constexpr std::size_t kUpsertRows = 250;  // one round trip per 250 numbers

}  // namespace

namespace {

// Inserts one intent (and its snapshot), in the transaction the caller holds when it has a
// snapshot and the database cannot write both in one statement; returns its id.
std::int64_t insert_intent(Db& db, std::int64_t run, const ActionIntent& intent,
                           const std::string& now) {
  static const std::string kInsert =
      "INSERT INTO actions(run_id, target_id, kind, phone_number, detail, idempotency_key, "
      "started_at) SELECT id, target_id, ?1, ?2, ?3, ?4, ?5 FROM runs WHERE id = ?6 "
      "RETURNING id, target_id";
  Params params{to_string(intent.kind), intent.phone_number, intent.detail,
                intent.idempotency_key, now, run};
  auto no_run = [&] { return DbError("no run " + std::to_string(run)); };
  if (intent.snapshot && db.writes_in_with()) {  // both rows in one statement
    RoutingSnapshot s = *intent.snapshot;
    if (s.phone_number.empty()) s.phone_number = intent.phone_number;
    for (Param& v : snapshot_values(s, now)) params.push_back(v);
    const Rows r = db.query(
        "WITH a AS (" + kInsert + "), s AS (" +
            snapshot_insert_sql("(SELECT target_id FROM a)", 7, intent.replace_snapshot) +
            ") SELECT id, target_id FROM a",
        params);
    if (r.empty()) throw no_run();
    return to_int(r[0][0]);
  }
  const Rows r = db.query(kInsert, params);
  if (r.empty()) throw no_run();
  if (intent.snapshot) {
    RoutingSnapshot s = *intent.snapshot;
    if (s.phone_number.empty()) s.phone_number = intent.phone_number;
    write_snapshot(db, to_int(r[0][1]), s, intent.replace_snapshot, now);
  }
  return to_int(r[0][0]);
}

}  // namespace

std::int64_t SqlStore::record_intent(std::int64_t run, const ActionIntent& intent,
                                     const std::string& now) {
  writable("record_intent");
  return locked("record_intent", [&] {
    // The intent and its snapshot, durable together at commit; an intent alone is one
    // statement, atomic by itself (one round trip instead of three on PostgreSQL).
    std::optional<Tx> tx;
    if (intent.snapshot && !db_->writes_in_with()) tx.emplace(*db_, true);
    const std::int64_t id = insert_intent(*db_, run, intent, now);
    if (tx) tx->commit();
    return id;
  });
}

std::vector<std::int64_t> SqlStore::record_intents(std::int64_t run,
                                                   const std::vector<ActionIntent>& intents,
                                                   const std::string& now) {
  if (intents.empty()) return {};
  // One alone: as record_intent, without a transaction of its own where one statement writes
  // it (a PostgreSQL round trip instead of three).
  if (intents.size() == 1) return {record_intent(run, intents[0], now)};
  writable("record_intents");
  return locked("record_intents", [&] {
    Tx tx(*db_, true);
    std::vector<std::int64_t> ids;
    ids.reserve(intents.size());
    for (const ActionIntent& i : intents) ids.push_back(insert_intent(*db_, run, i, now));
    tx.commit();
    return ids;
  });
}

namespace {

constexpr const char* kOutcomeUpdate =
    "UPDATE actions SET outcome = ?1, error = ?2, phone_number_id = ?3, finished_at = ?4 "
    "WHERE id = ?5";

}  // namespace

void SqlStore::record_outcome(std::int64_t action, Outcome outcome, const std::string& error,
                              const std::string& phone_number_id, const std::string& now) {
  if (outcome == Outcome::Pending) fail("record_outcome: 'pending' is not an outcome");
  writable("record_outcome");
  locked("record_outcome", [&] {
    if (db_->exec(kOutcomeUpdate, {to_string(outcome), error, phone_number_id, now, action}) == 0)
      fail("no action " + std::to_string(action));
  });
}

void SqlStore::record_outcomes(const std::vector<OutcomeRecord>& outcomes) {
  if (outcomes.empty()) return;
  for (const auto& o : outcomes)
    if (o.outcome == Outcome::Pending) fail("record_outcomes: 'pending' is not an outcome");
  // The last outcome of each action, in one UPDATE ... FROM (VALUES ...) per 200: one round
  // trip to PostgreSQL (a statement per outcome held the store, and every worker waiting to
  // journal an intent, for as many round trips).
  std::map<std::int64_t, const OutcomeRecord*> last;
  for (const auto& o : outcomes) last[o.action] = &o;
  std::vector<const OutcomeRecord*> rows;
  for (const auto& [id, o] : last) rows.push_back(o);
  writable("record_outcomes");
  locked("record_outcomes", [&] {
    constexpr std::size_t kRows = 200;
    std::optional<Tx> tx;
    if (rows.size() > kRows) tx.emplace(*db_, true);
    for (std::size_t start = 0; start < rows.size(); start += kRows) {
      const std::size_t n = std::min(kRows, rows.size() - start);
      std::string sql =
          "UPDATE actions SET outcome = v.column2, error = v.column3, phone_number_id = "
          "v.column4, finished_at = v.column5 FROM (VALUES ";
      Params p;
      for (std::size_t i = 0; i < n; ++i) {
        const OutcomeRecord& o = *rows[start + i];
        const std::size_t at = p.size();
        sql += (i ? ", (CAST(?" : "(CAST(?") + std::to_string(at + 1) + " AS BIGINT), ?" +
               std::to_string(at + 2) + ", ?" + std::to_string(at + 3) + ", ?" +
               std::to_string(at + 4) + ", ?" + std::to_string(at + 5) + ")";
        p.push_back(o.action);
        p.push_back(to_string(o.outcome));
        p.push_back(o.error);
        p.push_back(o.phone_number_id);
        p.push_back(o.at);
      }
      sql += ") AS v WHERE actions.id = v.column1";
      if (db_->exec(sql, p) != static_cast<std::int64_t>(n))
        fail("an outcome for an action that is not there");
    }
    if (tx) tx->commit();
  });
}

std::vector<ActionRecord> SqlStore::unfinished_actions(std::int64_t target) {
  return locked("unfinished_actions", [&] {
    if (!has_table("actions")) return std::vector<ActionRecord>();
    return to_actions(db_->query(
        std::string(kActionColumns) + "WHERE target_id = ?1 AND outcome = 'pending' ORDER BY id",
        {target}));
  });
}

std::vector<ActionRecord> SqlStore::actions_of(std::int64_t run) {
  return locked("actions_of", [&] {
    if (!has_table("actions")) return std::vector<ActionRecord>();
    return to_actions(
        db_->query(std::string(kActionColumns) + "WHERE run_id = ?1 ORDER BY id", {run}));
  });
}

void SqlStore::mark_managed_many(std::int64_t target, const std::vector<ManagedNumber>& numbers,
                                 const std::string& now) {
  writable("mark_managed_many");
  locked("mark_managed_many", [&] {
    // One row per number (an upsert may not touch a row twice), the last non-empty id kept.
    std::vector<std::pair<std::string, std::string>> rows;
    std::map<std::string, std::size_t> at;
    for (const auto& n : numbers) {
      auto [it, added] = at.try_emplace(n.phone_number, rows.size());
      if (added) {
        rows.emplace_back(n.phone_number, n.phone_number_id);
      } else if (!n.phone_number_id.empty()) {
        rows[it->second].second = n.phone_number_id;
      }
    }
    Tx tx(*db_, true);
    for (std::size_t start = 0; start < rows.size(); start += kUpsertRows) {
      const std::size_t count = std::min(kUpsertRows, rows.size() - start);
      Params p{target, now};
      for (std::size_t i = start; i < start + count; ++i) {
        p.push_back(rows[i].first);
        p.push_back(rows[i].second);
      }
      db_->exec(upsert_managed(count), p);
    }
    tx.commit();
  });
}

std::vector<ActionRecord> read_all_actions(Db& db) {
  return to_actions(db.query(std::string(kActionColumns) + "ORDER BY id"));
}

std::vector<ManagedNumber> read_managed(Db& db, std::int64_t target) {
  std::vector<ManagedNumber> out;
  for (const Row& q : db.query("SELECT phone_number, phone_number_id, first_seen, last_applied "
                               "FROM managed_numbers WHERE target_id = ?1 ORDER BY phone_number",
                               {target}))
    out.push_back({q[0], q[1], q[2], q[3]});
  return out;
}

std::vector<ManagedNumber> SqlStore::managed_numbers(std::int64_t target) {
  return locked("managed_numbers", [&] {
    if (!has_table("managed_numbers")) return std::vector<ManagedNumber>();
    return read_managed(*db_, target);
  });
}

}  // namespace xs::state

// Routing snapshots (docs/DESIGN.md §9): a number's Twilio routing before the cut-over, and after.
#include <map>

#include "state/sql_store.h"

namespace xs::state {
namespace {

// The probation fallback's columns (issue 22), in a fixed order; a later step than the rest.
const std::vector<std::string>& fallback_columns() {
  static const std::vector<std::string> columns{"fallback_state", "fallback_url",
                                                "fallback_method", "probation_until",
                                                "fallback_at"};
  return columns;
}

// Every snapshot column in a fixed order: the snapshot's own, then before_*, then after_*, then
// (with_fallback) the probation fallback's.
std::vector<std::string> snapshot_columns(bool with_fallback = true) {
  std::vector<std::string> out{"phone_number", "twilio_account", "account_sid", "has_after",
                               "rolled_back",  "taken_at",       "after_at",    "rolled_back_at"};
  for (const char* side : {"before_", "after_"})
    for (const auto& [name, field] : routing_columns()) out.push_back(side + name);
  if (with_fallback) out.insert(out.end(), fallback_columns().begin(), fallback_columns().end());
  return out;
}

Params fallback_params(const ProbationFallback& f) {
  return {to_string(f.state), f.url, f.method, f.until, f.changed_at};
}

Params snapshot_params(const RoutingSnapshot& s, const std::string& taken_at) {
  Params p{s.phone_number, s.twilio_account, s.account_sid, s.after.has_value(),
           s.rolled_back,  taken_at,         s.after_at,    s.rolled_back_at};
  const TwilioRouting none;
  for (const TwilioRouting* r : {&s.before, s.after ? &*s.after : &none})
    for (const auto& [name, field] : routing_columns()) p.push_back((*r).*field);
  for (Param& v : fallback_params(s.fallback)) p.push_back(v);
  return p;
}

}  // namespace

const std::vector<std::pair<std::string, std::string TwilioRouting::*>>& routing_columns() {
  static const auto columns = [] {
    std::vector<std::pair<std::string, std::string TwilioRouting::*>> out{
        {"sid", &TwilioRouting::sid}};
    for (const auto& [name, field] : routing_fields()) out.emplace_back(name, field);
    return out;
  }();
  return columns;
}

std::string snapshot_insert_sql(const std::string& target, int first, bool replace) {
  const std::vector<std::string> columns = snapshot_columns();
  std::string sql = "INSERT INTO snapshots(target_id", values = target, update;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    sql += ", " + columns[i];
    values += ", ?" + std::to_string(static_cast<int>(i) + first);
    if (i > 0)
      update += std::string(update.empty() ? "" : ", ") + columns[i] + " = excluded." + columns[i];
  }
  sql += ") VALUES(" + values + ") ON CONFLICT(target_id, phone_number) DO ";
  return sql + (replace ? "UPDATE SET " + update : std::string("NOTHING"));
}

Params snapshot_values(const RoutingSnapshot& s, const std::string& now) {
  return snapshot_params(s, s.taken_at.empty() ? now : s.taken_at);
}

void write_snapshot(Db& db, std::int64_t target, const RoutingSnapshot& s, bool replace,
                    const std::string& now) {
  Params p{target};
  for (Param& v : snapshot_values(s, now)) p.push_back(v);
  db.exec(snapshot_insert_sql("?1", 2, replace), p);
}

std::vector<RoutingSnapshot> read_snapshots(Db& db, std::int64_t target, bool with_fallback) {
  std::string sql = "SELECT ";
  const std::vector<std::string> columns = snapshot_columns(with_fallback);
  for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
  sql += " FROM snapshots WHERE target_id = ?1 ORDER BY phone_number";
  std::vector<RoutingSnapshot> out;
  for (const Row& q : db.query(sql, {target})) {
    RoutingSnapshot s;
    s.phone_number = q[0];
    s.twilio_account = q[1];
    s.account_sid = q[2];
    s.rolled_back = to_int(q[4]) != 0;
    s.taken_at = q[5];
    s.after_at = q[6];
    s.rolled_back_at = q[7];
    std::size_t i = 8;
    for (const auto& [name, field] : routing_columns()) s.before.*field = q[i++];
    if (to_int(q[3]) != 0) {
      s.after.emplace();
      for (const auto& [name, field] : routing_columns()) (*s.after).*field = q[i++];
    } else {
      i += routing_columns().size();
    }
    if (with_fallback) {
      s.fallback.state = fallback_state(q[i++]);
      s.fallback.url = q[i++];
      s.fallback.method = q[i++];
      s.fallback.until = q[i++];
      s.fallback.changed_at = q[i++];
    } else {  // a state from before the probation fallback: its cut-overs predate it
      s.fallback.state = ProbationFallback::State::Untouched;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<RoutingSnapshot> SqlStore::snapshots(std::int64_t target) {
  return locked("snapshots", [&] {
    if (!has_table("snapshots")) return std::vector<RoutingSnapshot>();
    return read_snapshots(*db_, target, has_table("snapshots.fallback_state"));
  });
}

void SqlStore::record_fallback(std::int64_t target, const std::string& phone_number,
                               const ProbationFallback& fallback) {
  writable("record_fallback");
  locked("record_fallback", [&] {
    std::string sql = "UPDATE snapshots SET ";
    Params p = fallback_params(fallback);
    for (std::size_t i = 0; i < fallback_columns().size(); ++i)
      sql += (i ? ", " : "") + fallback_columns()[i] + " = ?" + std::to_string(i + 1);
    p.push_back(target);
    p.push_back(phone_number);
    sql += " WHERE target_id = ?" + std::to_string(p.size() - 1) + " AND phone_number = ?" +
           std::to_string(p.size());
    if (db_->exec(sql, p) == 0) fail("no routing snapshot of " + phone_number);
  });
}

namespace {

// The routing seen after a cut-over, on the number's snapshot; false when it has none.
bool write_routing_after(Db& db, std::int64_t target, const std::string& phone_number,
                         const TwilioRouting& after, const std::string& now) {
  static const std::string sql = [] {
    std::string q = "UPDATE snapshots SET has_after = 1, rolled_back = 0, after_at = ?1";
    int at = 1;
    for (const auto& [name, field] : routing_columns()) q += ", after_" + name + " = ?" + std::to_string(++at);
    return q + " WHERE target_id = ?" + std::to_string(at + 1) + " AND phone_number = ?" +
           std::to_string(at + 2);
  }();
  Params p{now};
  for (const auto& [name, field] : routing_columns()) p.push_back(after.*field);
  p.push_back(target);
  p.push_back(phone_number);
  return db.exec(sql, p) != 0;
}

}  // namespace

void SqlStore::record_routing_after(std::int64_t target, const std::string& phone_number,
                                    const TwilioRouting& after, const std::string& now) {
  writable("record_routing_after");
  locked("record_routing_after", [&] {
    if (!write_routing_after(*db_, target, phone_number, after, now))
      fail("no routing snapshot of " + phone_number);
  });
}

void SqlStore::record_routings_after(
    std::int64_t target, const std::vector<std::pair<std::string, TwilioRouting>>& after,
    const std::string& now) {
  if (after.empty()) return;
  // One UPDATE ... FROM (VALUES ...) per 50 numbers, each its own transaction: one round trip
  // to PostgreSQL each, and the cut-over check runs beside the assigns, whose intents wait
  // for the store meanwhile (1,000 numbers in one transaction held them up 15 ms: a dip in
  // the requests in flight, issue 23). Each row is a finding of its own; a run killed between
  // two transactions leaves the numbers after them unrecorded, as if not checked yet.
  std::map<std::string, const TwilioRouting*> rows;  // one per number, the last
  for (const auto& [number, routing] : after) rows[number] = &routing;
  std::vector<std::pair<std::string, const TwilioRouting*>> list(rows.begin(), rows.end());
  writable("record_routings_after");
  constexpr std::size_t kRows = 50;
  for (std::size_t start = 0; start < list.size(); start += kRows) {
    locked("record_routings_after", [&] {
      Tx tx(*db_, true);
      const std::size_t n = std::min(kRows, list.size() - start);
      std::string sql = "UPDATE snapshots SET has_after = 1, rolled_back = 0, after_at = ?1";
      int column = 1;
      for (const auto& [name, field] : routing_columns())
        sql += ", after_" + name + " = v.column" + std::to_string(++column);
      sql += " FROM (VALUES ";
      Params p{now, target};
      for (std::size_t i = 0; i < n; ++i) {
        sql += i ? ", (" : "(";
        p.push_back(list[start + i].first);
        sql += "?" + std::to_string(p.size());
        for (const auto& [name, field] : routing_columns()) {
          p.push_back((*list[start + i].second).*field);
          sql += ", ?" + std::to_string(p.size());
        }
        sql += ")";
      }
      sql += ") AS v WHERE snapshots.target_id = ?2 AND snapshots.phone_number = v.column1";
      if (db_->exec(sql, p) != static_cast<std::int64_t>(n)) {
        for (std::size_t i = start; i < start + n; ++i)  // which one: name it
          if (!write_routing_after(*db_, target, list[i].first, *list[i].second, now))
            fail("no routing snapshot of " + list[i].first);
      }
      tx.commit();
    });
  }
}

void SqlStore::mark_rolled_back(std::int64_t target, const std::string& phone_number,
                                bool rolled_back, const std::string& now) {
  writable("mark_rolled_back");
  locked("mark_rolled_back", [&] {
    const std::int64_t changed =
        rolled_back ? db_->exec(
                          "UPDATE snapshots SET rolled_back = 1, rolled_back_at = ?1 "
                          "WHERE target_id = ?2 AND phone_number = ?3",
                          {now, target, phone_number})
                    : db_->exec(
                          "UPDATE snapshots SET rolled_back = 0 "
                          "WHERE target_id = ?1 AND phone_number = ?2",
                          {target, phone_number});
    if (changed == 0) fail("no routing snapshot of " + phone_number);
  });
}

}  // namespace xs::state

// The shared store: targets, runs, the planner's view.
#include "state/sql_store.h"

#include <unistd.h>

#include <fstream>

#include "state/common.h"
#include "util/host.h"

namespace xs::state {

std::string new_lock_token() {
  std::ifstream in("/dev/urandom", std::ios::binary);
  unsigned char bytes[16] = {};
  if (!in.read(reinterpret_cast<char*>(bytes), sizeof bytes))
    throw StateError("cannot read /dev/urandom for a lock token");
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

SqlStore::SqlStore(std::unique_ptr<Db> db, std::string where, std::string label, bool read_only)
    : db_(std::move(db)),
      where_(std::move(where)),
      label_(std::move(label)),
      read_only_(read_only) {}

void SqlStore::writable(const char* op) const {
  if (read_only_) fail(std::string(op) + ": the state was opened read-only");
}

std::int64_t SqlStore::target(const std::string& api_url, const std::string& key_fingerprint) {
  writable("target");
  return locked("target", [&] {
    db_->exec(
        "INSERT INTO targets(api_url, key_fingerprint) VALUES(?1, ?2) "
        "ON CONFLICT(api_url, key_fingerprint) DO NOTHING",
        {api_url, key_fingerprint});
    const Rows r = db_->query("SELECT id FROM targets WHERE api_url = ?1 AND key_fingerprint = ?2",
                              {api_url, key_fingerprint});
    if (r.empty()) fail("target: no row after insert");
    return to_int(r[0][0]);
  });
}

std::optional<std::int64_t> SqlStore::find_target(const std::string& api_url,
                                                  const std::string& key_fingerprint) {
  return locked("find_target", [&]() -> std::optional<std::int64_t> {
    if (!has_table("targets")) return std::nullopt;
    const Rows r = db_->query("SELECT id FROM targets WHERE api_url = ?1 AND key_fingerprint = ?2",
                              {api_url, key_fingerprint});
    if (r.empty()) return std::nullopt;
    return to_int(r[0][0]);
  });
}

StateView SqlStore::view(std::int64_t target) {
  StateView v;
  if (!has_table("targets")) return v;
  std::vector<BatchChunkRecord> chunks;
  std::vector<CallRecord> calls;
  locked("view", [&] {
    Tx tx(*db_, false);  // every read sees the same state
    for (const auto& m : read_managed(*db_, target)) v.managed_numbers.insert(m.phone_number);
    v.has_history =
        !db_->query("SELECT 1 FROM runs WHERE target_id = ?1 LIMIT 1", {target}).empty() ||
        !db_->query("SELECT 1 FROM actions WHERE target_id = ?1 LIMIT 1", {target}).empty();
    if (has_table("batches")) chunks = read_chunks(*db_, target, nullptr);
    if (has_table("campaign_calls")) calls = read_calls(*db_, target, nullptr);
    if (has_table("snapshots")) {
      for (const RoutingSnapshot& s : read_snapshots(*db_, target, has_table("snapshots.fallback_state"))) {
        v.snapshotted.insert(s.phone_number);
        if (s.rolled_back) v.rolled_back.insert(s.phone_number);
        if (s.after) v.reached_xuna.insert(s.phone_number);
        v.cutovers[s.phone_number] = {s.twilio_account, s.before, s.after.has_value(),
                                      s.rolled_back, s.fallback};
      }
    }
    tx.commit();
  });
  for (CallRecord& c : calls)
    v.campaigns[c.campaign].emplace(std::move(c.key), LedgerEntry{c.status, std::move(c.request_key),
                                                                  std::move(c.digest),
                                                                  std::move(c.campaign_digest)});
  for (const BatchChunkRecord& c : chunks) {
    auto [it, first] = v.legacy_batches.try_emplace(c.name);
    BatchRecord& b = it->second;
    if (first) {  // chunk order: the lowest (normally 0) names the batch
      b.name = c.name;
      b.digest = c.digest;
    }
    b.chunks[c.chunk] = c.status;
  }
  for (auto& [name, b] : v.legacy_batches) {
    bool all_sent = true, uncertain = false;
    for (const auto& [n, status] : b.chunks) {
      all_sent = all_sent && status == BatchStatus::Sent;
      uncertain = uncertain || status == BatchStatus::Unknown || status == BatchStatus::Pending;
    }
    b.status = uncertain  ? BatchStatus::Unknown
               : all_sent ? BatchStatus::Sent
                          : BatchStatus::Failed;
  }
  return v;
}

std::int64_t SqlStore::begin_run(std::int64_t target, const std::string& command,
                                 const std::string& now) {
  writable("begin_run");
  return locked("begin_run", [&] {
    const Rows r = db_->query(
        "INSERT INTO runs(target_id, command, started_at, pid, host) VALUES(?1, ?2, ?3, ?4, ?5) "
        "RETURNING id",
        {target, command, now, static_cast<long>(getpid()), host_name()});
    return to_int(r.at(0).at(0));
  });
}

void SqlStore::finish_run(std::int64_t run, RunOutcome outcome, const std::string& now) {
  writable("finish_run");
  locked("finish_run", [&] {
    if (db_->exec("UPDATE runs SET outcome = ?1, finished_at = ?2 WHERE id = ?3",
                  {to_string(outcome), now, run}) == 0)
      fail("no run " + std::to_string(run));
  });
}

std::vector<RunRecord> SqlStore::runs(std::int64_t target, int limit) {
  return locked("runs", [&] {
    std::vector<RunRecord> out;
    if (!has_table("runs")) return out;
    const Rows rows = db_->query(
        "SELECT r.id, t.api_url, r.command, r.started_at, r.finished_at, r.outcome "
        "FROM runs r JOIN targets t ON t.id = r.target_id "
        "WHERE ?1 = 0 OR r.target_id = ?1 ORDER BY r.id DESC LIMIT ?2",
        {target, limit > 0 ? limit : 1000000000});
    for (const Row& q : rows) {
      RunRecord r;
      r.id = to_int(q[0]);
      r.api_url = q[1];
      r.command = q[2];
      r.started_at = q[3];
      r.finished_at = q[4];
      const auto outcome = parse_run_outcome(q[5]);
      if (!outcome) fail("run " + q[0] + " has an unknown outcome '" + q[5] + "'");
      r.outcome = *outcome;
      out.push_back(std::move(r));
    }
    return out;
  });
}

std::vector<TargetRecord> SqlStore::targets() {
  return locked("targets", [&] {
    std::vector<TargetRecord> out;
    if (!has_table("targets")) return out;
    for (const Row& q :
         db_->query("SELECT t.id, t.api_url, t.key_fingerprint, "
                    "(SELECT COUNT(*) FROM managed_numbers m WHERE m.target_id = t.id), "
                    "(SELECT COUNT(*) FROM runs r WHERE r.target_id = t.id) "
                    "FROM targets t ORDER BY t.id")) {
      out.push_back({to_int(q[0]), q[1], q[2], static_cast<int>(to_int(q[3])),
                     static_cast<int>(to_int(q[4]))});
    }
    return out;
  });
}

void SqlStore::check_lock(std::int64_t target, const std::string& token) {
  locked("check_lock", [&] {
    Tx tx(*db_, false);
    check_lock_locked(target, token);
    tx.commit();
  });
}

}  // namespace xs::state

// state copy: every row of one state into another, ids kept, counts checked.
#include <map>

#include "state/sql_store.h"

namespace xs::state {

StateDump SqlStore::dump() {
  return locked("dump", [&] {
    StateDump d;
    if (!has_table("targets")) return d;
    Tx tx(*db_, false);  // one consistent picture
    for (const Row& q : db_->query("SELECT id, api_url, key_fingerprint FROM targets ORDER BY id"))
      d.targets.push_back({to_int(q[0]), q[1], q[2], 0, 0});
    for (const Row& q : db_->query("SELECT id, target_id, command, started_at, finished_at, "
                                   "outcome, pid, host FROM runs ORDER BY id")) {
      StateDump::Run r;
      r.run.id = to_int(q[0]);
      r.target_id = to_int(q[1]);
      r.run.command = q[2];
      r.run.started_at = q[3];
      r.run.finished_at = q[4];
      const auto outcome = parse_run_outcome(q[5]);
      if (!outcome) throw DbError("run " + q[0] + " has an unknown outcome '" + q[5] + "'");
      r.run.outcome = *outcome;
      r.pid = static_cast<int>(to_int(q[6]));
      r.host = q[7];
      d.runs.push_back(std::move(r));
    }
    d.actions = read_all_actions(*db_);
    for (const TargetRecord& t : d.targets) {
      for (auto& m : read_managed(*db_, t.id)) d.managed.emplace_back(t.id, std::move(m));
      if (has_table("batches"))
        for (auto& c : read_chunks(*db_, t.id, nullptr)) d.batches.emplace_back(t.id, std::move(c));
      if (has_table("snapshots"))
        for (auto& s : read_snapshots(*db_, t.id, has_table("snapshots.fallback_state")))
          d.snapshots.emplace_back(t.id, std::move(s));
      if (has_table("campaign_calls"))
        for (auto& c : read_calls(*db_, t.id, nullptr)) d.calls.emplace_back(t.id, std::move(c));
    }
    tx.commit();
    return d;
  });
}

void SqlStore::load(const StateDump& d, bool replace) {
  writable("load");
  locked("load", [&] {
    Tx tx(*db_, true);
    const Rows n = db_->query(
        "SELECT (SELECT COUNT(*) FROM targets), (SELECT COUNT(*) FROM runs), "
        "(SELECT COUNT(*) FROM actions)");
    if (!replace && (to_int(n[0][0]) || to_int(n[0][1]) || to_int(n[0][2]))) {
      fail("not empty (" + n[0][0] + " targets, " + n[0][1] + " runs, " + n[0][2] +
           " actions): refusing to copy into it without force");
    }
    for (const char* table :
         {"campaign_calls", "snapshots", "batches", "managed_numbers", "actions", "runs", "locks",
          "targets"})
      db_->exec(std::string("DELETE FROM ") + table);
    for (const TargetRecord& t : d.targets)
      db_->exec("INSERT INTO targets(id, api_url, key_fingerprint) VALUES(?1, ?2, ?3)",
                {t.id, t.api_url, t.key_fingerprint});
    std::map<std::int64_t, std::int64_t> target_of_run;
    for (const StateDump::Run& r : d.runs) {
      target_of_run[r.run.id] = r.target_id;
      db_->exec(
          "INSERT INTO runs(id, target_id, command, started_at, finished_at, outcome, pid, "
          "host) VALUES(?1, ?2, ?3, ?4, NULLIF(?5, ''), ?6, ?7, ?8)",
          {r.run.id, r.target_id, r.run.command, r.run.started_at, r.run.finished_at,
           to_string(r.run.outcome), r.pid, r.host});
    }
    for (const ActionRecord& a : d.actions) {
      db_->exec(
          "INSERT INTO actions(id, run_id, target_id, kind, phone_number, detail, "
          "idempotency_key, outcome, error, phone_number_id, started_at, finished_at) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULLIF(?12, ''))",
          {a.id, a.run_id, target_of_run[a.run_id], to_string(a.kind), a.phone_number, a.detail,
           a.idempotency_key, to_string(a.outcome), a.error, a.phone_number_id, a.started_at,
           a.finished_at});
    }
    for (const auto& [target, m] : d.managed) {
      db_->exec(
          "INSERT INTO managed_numbers(target_id, phone_number, phone_number_id, "
          "first_seen, last_applied) VALUES(?1, ?2, ?3, ?4, ?5)",
          {target, m.phone_number, m.phone_number_id, m.first_seen, m.last_applied});
    }
    for (const auto& [target, c] : d.batches) {
      db_->exec(
          "INSERT INTO batches(target_id, name, chunk, digest, status, batch_id, "
          "calls_initiated, idempotency_key, created_at, updated_at) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
          {target, c.name, c.chunk, c.digest, to_string(c.status), c.batch_id, c.calls_initiated,
           c.idempotency_key, c.created_at, c.updated_at});
    }
    for (const auto& [target, s] : d.snapshots) write_snapshot(*db_, target, s, false, s.taken_at);
    for (const auto& [target, c] : d.calls) {
      db_->exec(
          "INSERT INTO campaign_calls(target_id, campaign, recipient, occurrence, status, "
          "request_key, run_id, batch_id, digest, campaign_digest, note, updated_at) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
          {target, c.campaign, c.key.recipient, c.key.occurrence, to_string(c.status),
           c.request_key, static_cast<long>(c.run), c.batch_id, c.digest, c.campaign_digest,
           c.note, c.updated_at});
    }
    after_load();
    tx.commit();
  });
}

CopyCounts copy_state(Store& from, Store& to, bool force) {
  const StateDump d = from.dump();
  to.load(d, force);
  const StateDump back = to.dump();
  const auto counts = [](const StateDump& x) {
    return CopyCounts{
        static_cast<std::int64_t>(x.targets.size()), static_cast<std::int64_t>(x.runs.size()),
        static_cast<std::int64_t>(x.actions.size()), static_cast<std::int64_t>(x.managed.size()),
        static_cast<std::int64_t>(x.batches.size()), static_cast<std::int64_t>(x.snapshots.size()),
        static_cast<std::int64_t>(x.calls.size())};
  };
  const CopyCounts want = counts(d), got = counts(back);
  const auto line = [](const CopyCounts& c) {
    return std::to_string(c.targets) + " targets, " + std::to_string(c.runs) + " runs, " +
           std::to_string(c.actions) + " actions, " + std::to_string(c.managed) +
           " managed numbers, " + std::to_string(c.batches) + " batch chunks, " +
           std::to_string(c.snapshots) + " snapshots, " + std::to_string(c.calls) +
           " campaign recipients";
  };
  if (line(want) != line(got)) {
    throw StateError("state copy to " + to.where() + ": read back " + line(got) + ", expected " +
                     line(want));
  }
  return got;
}

}  // namespace xs::state

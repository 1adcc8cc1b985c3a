// The PostgreSQL backend: connecting, and the per-target session-level advisory locks.
#include "state/pg_store.h"

#include <chrono>
#include <pqxx/except>
#include <thread>

#include "state/common.h"
#include "state/location.h"
#include "state/pg_module.h"
#include "state/schema.h"

namespace xs::state {
namespace {

// Seconds libpq may take to connect, unless the URI says (an unreachable host must not hang).
constexpr const char* kConnectTimeout = "10";

}  // namespace

std::unique_ptr<pqxx::connection> pg_connect(const std::string& uri) {
  std::string with_timeout = uri;
  const auto add = [&](const std::string& key, const std::string& value) {
    if (uri.find(key + "=") != std::string::npos) return;
    with_timeout += std::string(is_keyword_conninfo(uri)                      ? " "
                                : with_timeout.find('?') == std::string::npos ? "?"
                                                                              : "&") +
                    key + "=" + value;
  };
  add("connect_timeout", kConnectTimeout);
  add("application_name", "xuna-sync");  // how a DBA tells our sessions (and lock holders) apart
  try {
    return std::make_unique<pqxx::connection>(with_timeout);
  } catch (const std::exception& e) {
    const PgUri parts = parse_pg_uri(uri);
    std::string why = e.what();
    for (char& c : why)
      if (c == '\n' || c == '\t') c = ' ';
    while (!why.empty() && why.back() == ' ') why.pop_back();
    throw StateError("state " + display_location(uri) + ": cannot connect to PostgreSQL database " +
                     (parts.database.empty() ? "(default)" : parts.database) + " on host " +
                     (parts.host.empty() ? "(default: local socket)" : parts.host) + ": " + why);
  }
}

namespace {

std::set<std::string> pg_tables(Db& db) {
  std::set<std::string> out;
  for (const Row& r : db.query("SELECT table_name FROM information_schema.tables "
                               "WHERE table_schema = current_schema()"))
    out.insert(r[0]);
  for (const Row& r : db.query("SELECT column_name FROM information_schema.columns "
                               "WHERE table_schema = current_schema() AND table_name = "
                               "'snapshots'"))
    out.insert("snapshots." + r[0]);  // its columns: later steps add some
  return out;
}

// The advisory lock of target, held by this session (granted) in this database.
constexpr const char* kHeldHere =
    "SELECT 1 FROM pg_locks p WHERE p.locktype = 'advisory' AND p.granted "
    "AND p.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND p.classid::bigint = ?1 AND p.objid::bigint = ?2 AND p.objsubid = 2 "
    "AND p.pid = pg_backend_pid()";

std::optional<LockHolder> to_holder(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  return LockHolder{static_cast<int>(to_int(rows[0][0])), rows[0][1], rows[0][2]};
}

}  // namespace

PgStore::PgStore(const std::string& uri, OpenMode mode)
    : SqlStore(nullptr, display_location(uri), "state " + display_location(uri),
               mode == OpenMode::ReadOnly) {
  // lock_timeout bounds waiting for a migrating runner.
  std::vector<std::string> settings{"SET lock_timeout = '60s'"};
  if (read_only_) settings.push_back("SET default_transaction_read_only = on");
  db_ = std::make_unique<PgDb>(uri, settings);
  locked("open", [&] {
    const int found = pg_version(*db_);
    const int latest = detail::latest_schema_version();
    if (found > latest) {
      fail("was written by a newer xuna-sync (schema " + std::to_string(found) +
           ", this one knows " + std::to_string(latest) + ")");
    }
    // Only when behind: a role without CREATE can use a database someone else migrated.
    if (!read_only_ && found < latest) pg_migrate_to(*db_, latest);
    set_tables(pg_tables(*db_));
  });
}

int PgStore::schema_version() {
  return locked("schema_version", [&] { return pg_version(*db_); });
}

LockResult PgStore::acquire_lock(std::int64_t target, int pid, const std::string& host,
                                 const std::string& now, const std::function<bool(int)>&) {
  writable("acquire_lock");
  return locked("acquire_lock", [&] {
    const auto row = [&] {
      return db_->query("SELECT pid, host, since, token FROM locks WHERE target_id = ?1", {target});
    };
    LockResult result;
    auto mine = held_.find(target);
    if (mine != held_.end()) {  // this session took it before: still ours?
      const Rows rows = row();
      if (!rows.empty() && rows[0][3] == mine->second &&
          !db_->query(kHeldHere, {kLockSpace, target}).empty()) {
        result.holder = *to_holder(rows);
        if (result.holder.pid == pid && result.holder.host == host) {
          result.kind = LockResult::Kind::Acquired;
          result.token = mine->second;
        } else {
          result.kind = LockResult::Kind::Held;
        }
        return result;
      }
      held_.erase(mine);  // lost (the connection was reset): take it again below
    }
    const Rows got = db_->query("SELECT pg_try_advisory_lock(?1, ?2)", {kLockSpace, target});
    if (got.at(0).at(0) != "t") {
      result.kind = LockResult::Kind::Held;
      // The holder writes its row just after taking the lock: wait a little for it.
      for (int i = 0; i < 50; ++i) {
        const Rows rows = row();
        if (!rows.empty()) {
          result.holder = *to_holder(rows);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      return result;
    }
    result.token = new_lock_token();
    try {
      Tx tx(*db_, true);
      const std::optional<LockHolder> old = to_holder(row());
      db_->exec(
          "INSERT INTO locks(target_id, pid, host, since, token) VALUES(?1, ?2, ?3, ?4, ?5) "
          "ON CONFLICT(target_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, "
          "since = excluded.since, token = excluded.token",
          {target, pid, host, now, result.token});
      tx.commit();
      // A row left by a holder whose session ended: the server already released its lock.
      const bool stale = old && (old->pid != pid || old->host != host);
      result.kind = stale ? LockResult::Kind::TakenOver : LockResult::Kind::Acquired;
      result.holder = stale ? *old : LockHolder{pid, host, now};
    } catch (...) {
      try {
        db_->query("SELECT pg_advisory_unlock(?1, ?2)", {kLockSpace, target});
      } catch (const DbError&) {  // the session is gone, and its lock with it
      }
      throw;
    }
    held_[target] = result.token;
    return result;
  });
}

void PgStore::check_lock_locked(std::int64_t target, const std::string& token) {
  try {
    const Rows rows =
        db_->query("SELECT pid, host, since, token FROM locks WHERE target_id = ?1", {target});
    const bool session = !db_->query(kHeldHere, {kLockSpace, target}).empty();
    if (session && !rows.empty() && !token.empty() && rows[0][3] == token) return;
    if (!session) {
      throw LockLost(label_ +
                     ": this run no longer holds the lock (its database session lost "
                     "it: the connection was reset or cut by state unlock --force)");
    }
    throw LockLost(label_ + ": this run no longer holds the lock (" +
                   (rows.empty() ? std::string("its record was removed")
                                 : "now recorded for pid " + rows[0][0] + " on " + rows[0][1]) +
                   ")");
  } catch (const ConnectionLost& e) {
    throw LockLost(label_ + ": this run no longer holds the lock (" + e.what() + ")");
  }
}

void PgStore::check_lock(std::int64_t target, const std::string& token) {
  locked("check_lock", [&] { check_lock_locked(target, token); });
}

void PgStore::release_lock(std::int64_t target, const std::string& token) {
  writable("release_lock");
  locked("release_lock", [&] {
    if (token.empty()) return;
    db_->exec("DELETE FROM locks WHERE target_id = ?1 AND token = ?2", {target, token});
    auto mine = held_.find(target);
    if (mine != held_.end() && mine->second == token) {
      held_.erase(mine);
      db_->query("SELECT pg_advisory_unlock(?1, ?2)", {kLockSpace, target});
    }
  });
}

std::optional<LockHolder> PgStore::lock_holder(std::int64_t target) {
  return locked("lock_holder", [&]() -> std::optional<LockHolder> {
    if (!has_table("locks")) return std::nullopt;
    // Only rows whose advisory lock some session still holds: a dead holder's row is stale.
    return to_holder(db_->query(
        "SELECT l.pid, l.host, l.since FROM locks l WHERE (?1 = 0 OR l.target_id = ?1) AND "
        "EXISTS (SELECT 1 FROM pg_locks p WHERE p.locktype = 'advisory' AND p.granted "
        "AND p.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND p.classid::bigint = ?2 AND p.objid::bigint = l.target_id AND p.objsubid = 2) "
        "ORDER BY l.since LIMIT 1",
        {target, kLockSpace}));
  });
}

// `state unlock --force` on PostgreSQL: the holder's database session is terminated
// (pg_terminate_backend, waiting up to 5 s for it to end), which releases its advisory lock;
// the holder's run then finds its lock gone at its next check (LockLost) and stops. It needs
// the right to signal that session (the same role, pg_signal_backend, or a superuser): without
// it the holder keeps its lock and only the record is removed. Our own lock is just released.
void PgStore::force_unlock(std::int64_t target) {
  writable("force_unlock");
  locked("force_unlock", [&] {
    try {
      db_->query(
          "SELECT pg_terminate_backend(p.pid, 5000) FROM pg_locks p "
          "WHERE p.locktype = 'advisory' AND p.granted AND p.pid <> pg_backend_pid() "
          "AND p.database = (SELECT oid FROM pg_database WHERE datname = "
          "current_database()) AND p.classid::bigint = ?1 AND p.objsubid = 2 "
          "AND p.objid::bigint <> 0 AND (?2 = 0 OR p.objid::bigint = ?2)",
          {kLockSpace, target});
    } catch (const ConnectionLost&) {
      throw;
    } catch (const DbError&) {  // not allowed to signal it: remove the record all the same
    }
    for (auto it = held_.begin(); it != held_.end();) {
      if (target == 0 || it->first == target) {
        db_->query("SELECT pg_advisory_unlock(?1, ?2)", {kLockSpace, it->first});
        it = held_.erase(it);
      } else {
        ++it;
      }
    }
    db_->exec("DELETE FROM locks WHERE ?1 = 0 OR target_id = ?1", {target});
  });
}

void PgStore::after_load() {
  for (const char* table : {"targets", "runs", "actions"}) {
    db_->query(std::string("SELECT setval(pg_get_serial_sequence('") + table +
               "', 'id'), COALESCE((SELECT max(id) FROM " + table + "), 0) + 1, false)");
  }
}

}  // namespace xs::state

// The PostgreSQL backend's one entry (pg_module.h): the store, or an exception (StateError).
extern "C" XS_PG_MODULE_EXPORT xs::state::Store* xs_state_open_pg(const std::string& uri,
                                                                   xs::state::OpenMode mode) {
  return new xs::state::PgStore(uri, mode);
}

namespace xs::state::detail {

void migrate_state_to(const std::string& location, int version) {
  if (!is_postgres_uri(location)) return migrate_file_to(location, version);
  PgDb db(location, {});
  try {
    pg_migrate_to(db, version);
  } catch (const DbError& e) {
    throw StateError("state " + display_location(location) + ": " + e.what());
  }
}

}  // namespace xs::state::detail

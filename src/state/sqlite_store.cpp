// The SQLite backend: opening the file (mode 0600, read-only use), and its per-target lock rows.
#include "state/sqlite_store.h"

#include <SQLiteCpp/Exception.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "state/common.h"
#include "state/schema.h"

namespace xs::state {
namespace {

namespace fs = std::filesystem;

std::set<std::string> table_names(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
  std::set<std::string> out;
  while (q.executeStep()) out.insert(q.getColumn(0).getString());
  if (out.count("snapshots")) {  // its columns as "snapshots.NAME": later steps add some
    SQLite::Statement c(db, "SELECT name FROM pragma_table_info('snapshots')");
    while (c.executeStep()) out.insert("snapshots." + c.getColumn(0).getString());
  }
  return out;
}

// "file:" URI of path, for SQLite's immutable=1 (a read-only folder where -shm cannot be made).
std::string immutable_uri(const std::string& path) {
  std::string out = "file:";
  for (char c : path) {
    if (c == '?' || c == '#' || c == '%') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "?immutable=1";
}

void create_private_file(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      throw StateError("cannot create folder " + parent.string() + " for state file " + path +
                       ": " + ec.message());
    }
  }
  // 0600: the state holds webhook URLs; SQLite gives -wal and -shm the file's mode.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    throw StateError("cannot create state file " + path + ": " + std::strerror(errno));
  }
}

std::unique_ptr<SQLite::Database> open_file(const std::string& path, OpenMode mode,
                                            std::set<std::string>& tables) {
  if (mode == OpenMode::ReadOnly && !fs::exists(path)) {
    // Nothing recorded yet: an empty state in memory, written nowhere.
    auto db = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE);
    migrate_to(*db, detail::latest_schema_version());
    tables = table_names(*db);
    return db;
  }
  if (mode == OpenMode::ReadWrite) {
    create_private_file(path);
    // SQLite needs the folder too, for its -wal and -shm files.
    const fs::path parent = fs::path(path).parent_path();
    for (const std::string& p : {path, parent.empty() ? std::string(".") : parent.string()}) {
      if (::access(p.c_str(), W_OK) != 0) {
        throw StateError("state file " + path + " cannot be written (" + p + ": " +
                         std::strerror(errno) + "); plan can read it read-only");
      }
    }
  }
  const int flags = mode == OpenMode::ReadOnly ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
  auto db = std::make_unique<SQLite::Database>(path, flags);
  db->setBusyTimeout(5000);
  int version = 0;
  try {
    version = user_version(*db);  // also where "file is not a database" shows up
  } catch (const SQLite::Exception& e) {
    const int code = e.getErrorCode() & 0xff;  // CANTOPEN, or READONLY(_CANTINIT) by version
    if (mode != OpenMode::ReadOnly || (code != SQLITE_CANTOPEN && code != SQLITE_READONLY)) throw;
    // A WAL file in a folder we cannot write: no -shm can be made, read it as it is.
    db = std::make_unique<SQLite::Database>(immutable_uri(path),
                                            SQLite::OPEN_READONLY | SQLITE_OPEN_URI);
    version = user_version(*db);
  }
  check_version(version, path);
  tables = table_names(*db);
  if (!tables.empty() && !tables.count("targets")) {
    throw StateError("state file " + path + " is not a xuna-sync state (it holds other tables)");
  }
  if (mode == OpenMode::ReadWrite) {
    if (sqlite3_db_readonly(db->getHandle(), "main") == 1) {
      throw StateError("state file " + path +
                       " cannot be written (read-only file or folder); plan can read it read-only");
    }
    prepare(*db, path);
    tables = table_names(*db);
  }
  return db;
}

std::unique_ptr<SQLite::Database> open_checked(const std::string& path, OpenMode mode,
                                               std::set<std::string>& tables) {
  try {
    return open_file(path, mode, tables);
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_NOTADB) {
      throw StateError("state file " + path + " is not a xuna-sync state (file is not a database)");
    }
    throw StateError("cannot open state file " + path + ": " + e.what());
  }
}

std::optional<LockHolder> to_holder(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  return LockHolder{static_cast<int>(to_int(rows[0][0])), rows[0][1], rows[0][2]};
}

}  // namespace

WalCheckpointer::WalCheckpointer(std::string path) : path_(std::move(path)) {
  thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalCheckpointer::wal_grew(int pages) {
  if (pages < kPages) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (due_) return;
    due_ = true;
  }
  wake_.notify_one();
}

void WalCheckpointer::truncate_soon() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    due_ = truncate_ = true;
  }
  wake_.notify_one();
}

void WalCheckpointer::run() {
  std::unique_ptr<SQLite::Database> db;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return due_ || stop_; });
    if (stop_) return;
    const bool truncate = truncate_;
    truncate_ = false;
    lock.unlock();
    try {
      if (!db) db = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE);
      // Busy: a PASSIVE one gives up at once (the writer's next commit past the threshold asks
      // again); a TRUNCATE one, asked for once a run, waits up to a second for the writer.
      db->setBusyTimeout(truncate ? 1000 : 0);
      db->exec(truncate ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const SQLite::Exception&) {
      // not now (busy, or the file is gone): the WAL grows until the next try or the close
    }
    lock.lock();
    due_ = truncate_;  // asked for while this one ran: next; the threshold's asks, coalesced
  }
}

namespace {

int on_wal_commit(void* checkpointer, sqlite3*, const char*, int pages) {
  static_cast<WalCheckpointer*>(checkpointer)->wal_grew(pages);
  return SQLITE_OK;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, OpenMode mode)
    : SqlStore(nullptr, path, "state file " + path, mode == OpenMode::ReadOnly) {
  std::set<std::string> tables;
  auto db = open_checked(path, mode, tables);
  if (mode == OpenMode::ReadWrite) {
    try {
      checkpointer_ = std::make_unique<WalCheckpointer>(path);
      // replaces SQLite's auto-checkpoint (which is a WAL hook of its own)
      sqlite3_wal_hook(db->getHandle(), on_wal_commit, checkpointer_.get());
    } catch (const std::system_error&) {  // no thread: SQLite checkpoints as it always did
      checkpointer_.reset();
    }
  }
  db_ = std::make_unique<SqliteDb>(std::move(db));
  set_tables(std::move(tables));
}

SqliteStore::~SqliteStore() {
  if (checkpointer_) sqlite3_wal_hook(sqlite().raw().getHandle(), nullptr, nullptr);
}

void SqliteStore::writes_ending() {
  if (checkpointer_) checkpointer_->truncate_soon();
}

int SqliteStore::schema_version() {
  return locked("schema_version", [&] { return user_version(sqlite().raw()); });
}

void SqliteStore::set_max_page_count(int pages) {
  locked("max_page_count", [&] { db_->query("PRAGMA max_page_count = " + std::to_string(pages)); });
}

LockResult SqliteStore::acquire_lock(std::int64_t target, int pid, const std::string& host,
                                     const std::string& now,
                                     const std::function<bool(int)>& pid_alive) {
  writable("acquire_lock");
  return locked("acquire_lock", [&] {
    Tx tx(*db_, true);  // IMMEDIATE: two processes cannot both see it free
    const Rows rows =
        db_->query("SELECT pid, host, since, token FROM locks WHERE target_id = ?1", {target});
    const std::optional<LockHolder> held = to_holder(rows);
    LockResult result;
    const auto take = [&] {
      result.token = new_lock_token();
      db_->exec(
          "INSERT OR REPLACE INTO locks(target_id, pid, host, since, token) "
          "VALUES(?1, ?2, ?3, ?4, ?5)",
          {target, pid, host, now, result.token});
    };
    if (!held) {
      take();
      result.kind = LockResult::Kind::Acquired;
      result.holder = LockHolder{pid, host, now};
    } else if (held->pid == pid && held->host == host) {
      result.kind = LockResult::Kind::Acquired;  // ours already: keep its `since` and token
      result.holder = *held;
      result.token = rows[0][3];
    } else if (held->host == host && !pid_alive(held->pid)) {
      take();
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

void SqliteStore::check_lock_locked(std::int64_t target, const std::string& token) {
  const Rows rows =
      db_->query("SELECT pid, host, since, token FROM locks WHERE target_id = ?1", {target});
  if (!rows.empty() && !token.empty() && rows[0][3] == token) return;
  if (rows.empty()) {
    throw LockLost(label_ +
                   ": this run no longer holds the lock (it was removed, e.g. by "
                   "state unlock --force)");
  }
  throw LockLost(label_ + ": this run no longer holds the lock (now held by pid " + rows[0][0] +
                 " on " + rows[0][1] + " since " + rows[0][2] + ")");
}

void SqliteStore::release_lock(std::int64_t target, const std::string& token) {
  writable("release_lock");
  locked("release_lock", [&] {
    db_->exec("DELETE FROM locks WHERE target_id = ?1 AND token = ?2", {target, token});
  });
}

std::optional<LockHolder> SqliteStore::lock_holder(std::int64_t target) {
  return locked("lock_holder", [&]() -> std::optional<LockHolder> {
    if (!has_table("locks")) {  // an older file, read as it is: one lock for every target
      if (!has_table("lock")) return std::nullopt;
      return to_holder(db_->query("SELECT pid, host, since FROM lock WHERE id = 1"));
    }
    return to_holder(
        db_->query("SELECT pid, host, since FROM locks "
                   "WHERE ?1 = 0 OR target_id = ?1 ORDER BY since LIMIT 1",
                   {target}));
  });
}

void SqliteStore::force_unlock(std::int64_t target) {
  writable("force_unlock");
  locked("force_unlock",
         [&] { db_->exec("DELETE FROM locks WHERE ?1 = 0 OR target_id = ?1", {target}); });
}

}  // namespace xs::state

namespace xs::state::detail {

void set_max_page_count(Store& store, int pages) {
  dynamic_cast<SqliteStore&>(store).set_max_page_count(pages);
}

}  // namespace xs::state::detail

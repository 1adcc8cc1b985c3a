#pragma once
// Private to state/: the SQLite backend (a path). SQLiteCpp stays behind this header.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "state/sql_store.h"

namespace xs::state {

// One SQLite connection; statements are prepared once and kept (apply writes an intent and an
// outcome per action: preparing them each time cost a quarter of its CPU).
class SqliteDb : public Db {
 public:
  explicit SqliteDb(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
  Rows query(const std::string& sql, const Params& params) override;
  std::int64_t exec(const std::string& sql, const Params& params) override;
  void begin(bool write) override;
  void commit() override;
  void rollback() noexcept override;
  SQLite::Database& raw() { return *db_; }

 private:
  SQLite::Statement& prepared(const std::string& sql, const Params& params);
  std::unique_ptr<SQLite::Database> db_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements_;  // after db_: closed first
};

// Checkpoints a WAL file from a connection and a thread of its own, when the writer's
// connection says the WAL has grown past kPages (sqlite3_wal_hook). SQLite's own
// auto-checkpoint runs inside the COMMIT that crosses the threshold: its copy and fsync held
// the store for 5 to 20 ms every thousand pages, stalling every apply worker waiting to
// journal an intent (issue 23). A PASSIVE checkpoint beside the writer does not block it.
class WalCheckpointer {
 public:
  // Past this many pages the thread checkpoints (SQLite's own default is 1000): what is left
  // in the WAL is what the last close copies and syncs on its own, after the run's last write
  // (issue 23: 9-12 ms at 1000 pages for an apply of 1,000 numbers, ~5 ms at 100).
  static constexpr int kPages = 100;
  explicit WalCheckpointer(std::string path);
  ~WalCheckpointer();  // stops the thread; the last connection's close checkpoints the rest
  void wal_grew(int pages);  // from the writer's commit: wakes the thread past kPages
  // Checkpoints everything and truncates the WAL to nothing, waiting up to a second for the
  // writer's transaction in progress: a WAL of an apply's 4,000 writes (~5 MB) cost its close
  // ~4 ms to unlink, after the run's last answer (issue 23); truncated beside the last
  // requests, the close finds the few pages written since.
  void truncate_soon();

 private:
  void run();
  std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false, stop_ = false, truncate_ = false;
  std::thread thread_;
};

class SqliteStore : public SqlStore {
 public:
  // Opens (ReadWrite: creates mode 0600, migrates) the file at path; StateError on failure.
  SqliteStore(const std::string& path, OpenMode mode);
  ~SqliteStore() override;

  LockResult acquire_lock(std::int64_t target, int pid, const std::string& host,
                          const std::string& now,
                          const std::function<bool(int)>& pid_alive) override;
  void release_lock(std::int64_t target, const std::string& token) override;
  std::optional<LockHolder> lock_holder(std::int64_t target) override;
  void force_unlock(std::int64_t target) override;
  int schema_version() override;
  void writes_ending() override;  // truncates the WAL (WalCheckpointer::truncate_soon)

  // Test seam: PRAGMA max_page_count, to make "database or disk is full" happen.
  void set_max_page_count(int pages);

 protected:
  void check_lock_locked(std::int64_t target, const std::string& token) override;

 private:
  SqliteDb& sqlite() { return static_cast<SqliteDb&>(*db_); }
  std::unique_ptr<WalCheckpointer> checkpointer_;  // ReadWrite only
};

// The file's PRAGMA user_version.
int user_version(SQLite::Database& db);
// Applies the migrations after the file's version up to `version`, one IMMEDIATE transaction
// each, forward only; safe against another process migrating the same file at the same time.
void migrate_to(SQLite::Database& db, int version);
// ReadWrite: checks the version (refusing a newer file), sets the pragmas, migrates.
void prepare(SQLite::Database& db, const std::string& path);
// StateError unless the file's version is one this build reads.
void check_version(int found, const std::string& path);

}  // namespace xs::state

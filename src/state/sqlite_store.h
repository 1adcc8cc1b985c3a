#pragma once
// Private to state/: the SQLite backend (a path). SQLiteCpp stays behind this header.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <memory>

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

class SqliteStore : public SqlStore {
 public:
  // Opens (ReadWrite: creates mode 0600, migrates) the file at path; StateError on failure.
  SqliteStore(const std::string& path, OpenMode mode);

  LockResult acquire_lock(std::int64_t target, int pid, const std::string& host,
                          const std::string& now,
                          const std::function<bool(int)>& pid_alive) override;
  void release_lock(std::int64_t target, const std::string& token) override;
  std::optional<LockHolder> lock_holder(std::int64_t target) override;
  void force_unlock(std::int64_t target) override;
  int schema_version() override;

  // Test seam: PRAGMA max_page_count, to make "database or disk is full" happen.
  void set_max_page_count(int pages);

 protected:
  void check_lock_locked(std::int64_t target, const std::string& token) override;

 private:
  SqliteDb& sqlite() { return static_cast<SqliteDb&>(*db_); }
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

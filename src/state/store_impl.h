#pragma once
// Private to state/: the connection behind Store, shared by the files that implement it.
#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "model/state_view.h"
#include "state/store.h"

namespace xs::state {

struct Store::Impl {
  explicit Impl(const std::string& file);

  const std::string path;
  std::mutex mu;  // one connection, used by several threads: one statement sequence at a time
  SQLite::Database db;

  // The statement for sql, prepared on first use and kept: apply writes an intent and an
  // outcome per action, and preparing them each time cost a quarter of its CPU. Reset and
  // unbound on return; call only under mu (inside locked()).
  SQLite::Statement& statement(const char* sql) {
    std::unique_ptr<SQLite::Statement>& s = statements[sql];
    if (!s) {
      s = std::make_unique<SQLite::Statement>(db, sql);
    } else {
      s->tryReset();  // not reset(): it rethrows the error of a failed last step
      s->clearBindings();
    }
    return *s;
  }
  std::map<std::string, std::unique_ptr<SQLite::Statement>> statements;  // after db: closed first

  // Runs f(db) under the mutex; SQLite errors become StateError naming the file and operation.
  template <class F>
  auto locked(const char* op, F&& f) -> decltype(f(db)) {
    std::lock_guard<std::mutex> guard(mu);
    try {
      return f(db);
    } catch (const SQLite::Exception& e) {
      throw StateError("state file " + path + ": " + op + ": " + e.what());
    }
  }
};

// Column text, "" for NULL.
inline std::string text(const SQLite::Column& c) {
  return c.isNull() ? std::string() : c.getString();
}

// The file's PRAGMA user_version.
int user_version(SQLite::Database& db);
// Applies the migrations after the file's version up to `version`, one IMMEDIATE transaction
// each, forward only; safe against another process migrating the same file at the same time.
void migrate_to(SQLite::Database& db, int version);
// Checks the version (refusing a newer file), sets the pragmas and migrates to the latest.
void prepare(SQLite::Database& db, const std::string& path);

// The batches of a target folded by name, as StateView shows them (batches.cpp).
std::map<std::string, BatchRecord> batch_view(SQLite::Database& db, std::int64_t target);

}  // namespace xs::state

// SqliteDb: the Db calls on one SQLite connection.
#include <SQLiteCpp/Exception.h>

#include "state/sqlite_store.h"

namespace xs::state {

SQLite::Statement& SqliteDb::prepared(const std::string& sql, const Params& params) {
  std::unique_ptr<SQLite::Statement>& s = statements_[sql];
  if (!s) {
    s = std::make_unique<SQLite::Statement>(*db_, sql);
  } else {
    s->tryReset();  // not reset(): it rethrows the error of a failed last step
    s->clearBindings();
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int at = static_cast<int>(i + 1);
    if (params[i].is_int) {
      s->bind(at, static_cast<int64_t>(params[i].integer));
    } else {
      s->bind(at, params[i].text);
    }
  }
  return *s;
}

Rows SqliteDb::query(const std::string& sql, const Params& params) {
  try {
    SQLite::Statement& s = prepared(sql, params);
    Rows out;
    while (s.executeStep()) {
      Row row;
      for (int c = 0; c < s.getColumnCount(); ++c) {
        const SQLite::Column col = s.getColumn(c);
        row.push_back(col.isNull() ? std::string() : col.getString());
      }
      out.push_back(std::move(row));
    }
    s.tryReset();  // ends its read of the file
    return out;
  } catch (const SQLite::Exception& e) {
    throw DbError(e.what());
  }
}

std::int64_t SqliteDb::exec(const std::string& sql, const Params& params) {
  try {
    SQLite::Statement& s = prepared(sql, params);
    const int changed = s.exec();
    s.tryReset();
    return changed;
  } catch (const SQLite::Exception& e) {
    throw DbError(e.what());
  }
}

void SqliteDb::begin(bool write) {
  try {
    db_->exec(write ? "BEGIN IMMEDIATE" : "BEGIN");
  } catch (const SQLite::Exception& e) {
    throw DbError(e.what());
  }
}

void SqliteDb::commit() {
  try {
    db_->exec("COMMIT");
  } catch (const SQLite::Exception& e) {
    throw DbError(e.what());
  }
}

void SqliteDb::rollback() noexcept {
  try {
    db_->exec("ROLLBACK");
  } catch (...) {  // nothing to roll back (SQLite already did, on a full disk)
  }
}

}  // namespace xs::state

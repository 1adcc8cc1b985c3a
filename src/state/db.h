#pragma once
// Private to state/: one connection to a SQL database, as the shared store logic uses it.
// Statements use ?1..?N parameters; values travel as integers or text, and NULL reads as "".
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace xs::state {

// A library error, before the store adds where and what it was doing.
struct DbError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The connection to the server was lost (PostgreSQL): its session locks are gone with it.
struct ConnectionLost : DbError {
  using DbError::DbError;
};

struct Param {
  Param(std::string s) : text(std::move(s)) {}
  Param(const char* s) : text(s) {}
  Param(long v) : is_int(true), integer(v), text(std::to_string(v)) {}
  Param(long long v) : Param(static_cast<long>(v)) {}
  Param(int v) : Param(static_cast<long>(v)) {}
  Param(bool v) : Param(static_cast<long>(v ? 1 : 0)) {}
  bool is_int = false;
  std::int64_t integer = 0;
  std::string text;
};
using Params = std::vector<Param>;
using Row = std::vector<std::string>;
using Rows = std::vector<Row>;

// Not thread-safe: the store calls it under its own mutex. Throws DbError.
class Db {
 public:
  virtual ~Db() = default;
  virtual Rows query(const std::string& sql, const Params& params = {}) = 0;
  // Runs one statement; the number of rows it changed.
  virtual std::int64_t exec(const std::string& sql, const Params& params = {}) = 0;
  // write: take the write lock now (SQLite's IMMEDIATE), so a read-then-write cannot race.
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // Whether a WITH may hold INSERTs (PostgreSQL): several writes in one round trip.
  virtual bool writes_in_with() const { return false; }
};

// A transaction that rolls back unless committed.
class Tx {
 public:
  Tx(Db& db, bool write) : db_(db) { db_.begin(write); }
  ~Tx() {
    if (!done_) db_.rollback();
  }
  void commit() {
    db_.commit();
    done_ = true;
  }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

 private:
  Db& db_;
  bool done_ = false;
};

inline std::int64_t to_int(const std::string& s) {
  return s.empty() ? 0 : std::stoll(s);
}

}  // namespace xs::state

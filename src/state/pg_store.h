#pragma once
// Private to state/: the PostgreSQL backend (a libpq URI). libpqxx stays behind this header.
#include <map>
#include <memory>
#include <pqxx/connection>
#include <pqxx/transaction>

#include "state/sql_store.h"

namespace xs::state {

// A new connection to uri (with a connect timeout unless the URI sets one); StateError naming
// host and database when there is none.
std::unique_ptr<pqxx::connection> pg_connect(const std::string& uri);

// One connection; statements run in the open transaction, or on their own (autocommit). A
// lost connection fails the call (ConnectionLost) and is made again, with the session
// settings, at the next call.
class PgDb : public Db {
 public:
  PgDb(const std::string& uri, std::vector<std::string> session_settings);
  Rows query(const std::string& sql, const Params& params) override;
  std::int64_t exec(const std::string& sql, const Params& params) override;
  void begin(bool write) override;
  void commit() override;
  void rollback() noexcept override;
  bool writes_in_with() const override { return true; }

 private:
  pqxx::result run(const std::string& sql, const Params& params);
  void ensure_connected();
  template <class F>
  auto translate(F&& f) -> decltype(f());
  const std::string uri_;
  const std::vector<std::string> settings_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> tx_;
  std::map<std::string, std::string> prepared_;  // SQL -> its prepared statement on conn_
};

class PgStore : public SqlStore {
 public:
  // Connects (StateError naming host and database when it cannot), checks the schema version
  // and, for ReadWrite, migrates under a transaction-level advisory lock.
  PgStore(const std::string& uri, OpenMode mode);

  LockResult acquire_lock(std::int64_t target, int pid, const std::string& host,
                          const std::string& now,
                          const std::function<bool(int)>& pid_alive) override;
  void check_lock(std::int64_t target, const std::string& token) override;
  void release_lock(std::int64_t target, const std::string& token) override;
  std::optional<LockHolder> lock_holder(std::int64_t target) override;
  void force_unlock(std::int64_t target) override;
  int schema_version() override;

 protected:
  void check_lock_locked(std::int64_t target, const std::string& token) override;
  void after_load() override;

 private:
  std::map<std::int64_t, std::string> held_;  // target -> token of the locks this session took
};

// The advisory lock keys: (kLockSpace, target id) per target; (kLockSpace, 0) for migrations.
constexpr int kLockSpace = 0x7873;  // "xs"

// The schema version of the database (0: none yet); migrates to version when >= 0 (pg_schema.cpp).
int pg_version(Db& db);
void pg_migrate_to(Db& db, int version);

}  // namespace xs::state

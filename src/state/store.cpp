// Store: opening the file, targets, runs and the planner's view.
#include "state/store.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "state/store_impl.h"

namespace xs::state {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

}  // namespace

Store::Impl::Impl(const std::string& file)
    : path(file), db(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {}

Store::Store(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      throw StateError("cannot create folder " + parent.string() + " for state file " + path +
                       ": " + ec.message());
    }
  }
  try {
    impl_ = std::make_unique<Impl>(path);
    prepare(impl_->db, path);
  } catch (const SQLite::Exception& e) {
    throw StateError("cannot open state file " + path + ": " + e.what());
  }
}

Store::~Store() = default;

std::int64_t Store::target(const std::string& api_url, const std::string& key_fingerprint) {
  return impl_->locked("target", [&](SQLite::Database& db) {
    SQLite::Statement insert(db,
                             "INSERT INTO targets(api_url, key_fingerprint) VALUES(?, ?) "
                             "ON CONFLICT(api_url, key_fingerprint) DO NOTHING");
    insert.bind(1, api_url);
    insert.bind(2, key_fingerprint);
    insert.exec();
    SQLite::Statement q(db, "SELECT id FROM targets WHERE api_url = ? AND key_fingerprint = ?");
    q.bind(1, api_url);
    q.bind(2, key_fingerprint);
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

StateView Store::view(std::int64_t target) {
  return impl_->locked("view", [&](SQLite::Database& db) {
    SQLite::Transaction snapshot(db);  // both reads see the same state
    StateView v;
    SQLite::Statement q(db, "SELECT phone_number FROM managed_numbers WHERE target_id = ?");
    q.bind(1, static_cast<std::int64_t>(target));
    while (q.executeStep()) v.managed_numbers.insert(q.getColumn(0).getString());
    v.batches = batch_view(db, target);
    snapshot.commit();
    return v;
  });
}

std::int64_t Store::begin_run(std::int64_t target, const std::string& command,
                              const std::string& now) {
  return impl_->locked("begin_run", [&](SQLite::Database& db) {
    SQLite::Statement q(db,
                        "INSERT INTO runs(target_id, command, started_at, pid, host) "
                        "VALUES(?, ?, ?, ?, ?)");
    q.bind(1, static_cast<std::int64_t>(target));
    q.bind(2, command);
    q.bind(3, now);
    q.bind(4, static_cast<std::int64_t>(getpid()));
    q.bind(5, host_name());
    q.exec();
    return db.getLastInsertRowid();
  });
}

void Store::finish_run(std::int64_t run, const std::string& outcome, const std::string& now) {
  impl_->locked("finish_run", [&](SQLite::Database& db) {
    SQLite::Statement q(db, "UPDATE runs SET outcome = ?, finished_at = ? WHERE id = ?");
    q.bind(1, outcome);
    q.bind(2, now);
    q.bind(3, static_cast<std::int64_t>(run));
    if (q.exec() == 0)
      throw StateError("state file " + impl_->path + ": no run " + std::to_string(run));
  });
}

std::vector<RunRecord> Store::runs(std::int64_t target, int limit) {
  return impl_->locked("runs", [&](SQLite::Database& db) {
    SQLite::Statement q(db,
                        "SELECT r.id, t.api_url, r.command, r.started_at, r.finished_at, r.outcome "
                        "FROM runs r JOIN targets t ON t.id = r.target_id "
                        "WHERE ?1 = 0 OR r.target_id = ?1 ORDER BY r.id DESC LIMIT ?2");
    q.bind(1, static_cast<std::int64_t>(target));
    q.bind(2, static_cast<std::int64_t>(limit > 0 ? limit : -1));
    std::vector<RunRecord> out;
    while (q.executeStep()) {
      RunRecord r;
      r.id = q.getColumn(0).getInt64();
      r.api_url = text(q.getColumn(1));
      r.command = text(q.getColumn(2));
      r.started_at = text(q.getColumn(3));
      r.finished_at = text(q.getColumn(4));
      r.outcome = text(q.getColumn(5));
      out.push_back(std::move(r));
    }
    return out;
  });
}

int Store::schema_version() {
  return impl_->locked("schema_version", [](SQLite::Database& db) { return user_version(db); });
}

}  // namespace xs::state

// The schema and its migrations: an ordered list of SQL steps, forward only.
#include "state/schema.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "state/sqlite_store.h"

namespace xs::state {
namespace {

// Step i brings the file from user_version i to i+1. Never edit a step that has shipped:
// add a new one.
const char* const kMigrations[] = {
    // 1: targets, runs and their journal, managed numbers, the apply lock.
    R"sql(
CREATE TABLE targets(
  id INTEGER PRIMARY KEY,
  api_url TEXT NOT NULL,
  key_fingerprint TEXT NOT NULL,  -- computed by the caller; the key itself is never stored
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  UNIQUE(api_url, key_fingerprint));
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  target_id INTEGER NOT NULL REFERENCES targets(id),
  command TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL DEFAULT 'running',
  pid INTEGER,
  host TEXT);
CREATE INDEX runs_by_target ON runs(target_id, id);
CREATE TABLE actions(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  target_id INTEGER NOT NULL REFERENCES targets(id),
  kind TEXT NOT NULL,
  phone_number TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT 'pending',
  error TEXT NOT NULL DEFAULT '',
  phone_number_id TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL,
  finished_at TEXT);
CREATE INDEX actions_by_run ON actions(run_id);
CREATE INDEX actions_pending ON actions(target_id, id) WHERE outcome = 'pending';
CREATE TABLE managed_numbers(
  target_id INTEGER NOT NULL REFERENCES targets(id),
  phone_number TEXT NOT NULL,
  phone_number_id TEXT NOT NULL DEFAULT '',
  first_seen TEXT NOT NULL,
  last_applied TEXT NOT NULL,
  PRIMARY KEY(target_id, phone_number)) WITHOUT ROWID;
CREATE TABLE lock(
  id INTEGER PRIMARY KEY CHECK(id = 1),
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  since TEXT NOT NULL);
)sql",
    // 2: batch-call campaigns, one row per chunk (docs/DESIGN.md §6).
    R"sql(
CREATE TABLE batches(
  target_id INTEGER NOT NULL REFERENCES targets(id),
  name TEXT NOT NULL,
  chunk INTEGER NOT NULL,
  digest TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK(status IN ('pending', 'sent', 'unknown', 'failed')),
  batch_id TEXT NOT NULL DEFAULT '',
  calls_initiated INTEGER NOT NULL DEFAULT 0,
  idempotency_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY(target_id, name, chunk)) WITHOUT ROWID;
)sql",
    // 3: routing snapshots (docs/DESIGN.md §9), and one lock per target with its holder's token.
    R"sql(
CREATE TABLE snapshots(
  target_id INTEGER NOT NULL REFERENCES targets(id),
  phone_number TEXT NOT NULL,
  twilio_account TEXT NOT NULL DEFAULT '',
  account_sid TEXT NOT NULL DEFAULT '',
  has_after INTEGER NOT NULL DEFAULT 0,
  rolled_back INTEGER NOT NULL DEFAULT 0,
  taken_at TEXT NOT NULL DEFAULT '',
  after_at TEXT NOT NULL DEFAULT '',
  rolled_back_at TEXT NOT NULL DEFAULT '',
  before_sid TEXT NOT NULL DEFAULT '',
  before_voice_url TEXT NOT NULL DEFAULT '',
  before_voice_method TEXT NOT NULL DEFAULT '',
  before_voice_fallback_url TEXT NOT NULL DEFAULT '',
  before_voice_fallback_method TEXT NOT NULL DEFAULT '',
  before_status_callback TEXT NOT NULL DEFAULT '',
  before_status_callback_method TEXT NOT NULL DEFAULT '',
  before_voice_application_sid TEXT NOT NULL DEFAULT '',
  before_trunk_sid TEXT NOT NULL DEFAULT '',
  before_voice_receive_mode TEXT NOT NULL DEFAULT '',
  after_sid TEXT NOT NULL DEFAULT '',
  after_voice_url TEXT NOT NULL DEFAULT '',
  after_voice_method TEXT NOT NULL DEFAULT '',
  after_voice_fallback_url TEXT NOT NULL DEFAULT '',
  after_voice_fallback_method TEXT NOT NULL DEFAULT '',
  after_status_callback TEXT NOT NULL DEFAULT '',
  after_status_callback_method TEXT NOT NULL DEFAULT '',
  after_voice_application_sid TEXT NOT NULL DEFAULT '',
  after_trunk_sid TEXT NOT NULL DEFAULT '',
  after_voice_receive_mode TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(target_id, phone_number)) WITHOUT ROWID;
DROP TABLE lock;
CREATE TABLE locks(
  target_id INTEGER PRIMARY KEY REFERENCES targets(id),
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  since TEXT NOT NULL,
  token TEXT NOT NULL);
)sql",
    // 4: the campaign ledger, one row per recipient (docs/DESIGN.md §6). The chunk rows of
    // `batches` stay until each campaign is upgraded (sync/ledger.h), then go.
    R"sql(
CREATE TABLE campaign_calls(
  target_id INTEGER NOT NULL REFERENCES targets(id),
  campaign TEXT NOT NULL,
  recipient TEXT NOT NULL,
  occurrence INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL
    CHECK(status IN ('sent', 'unknown', 'failed', 'suppressed', 'expired')),
  request_key TEXT NOT NULL DEFAULT '',
  run_id INTEGER NOT NULL DEFAULT 0,
  batch_id TEXT NOT NULL DEFAULT '',
  digest TEXT NOT NULL DEFAULT '',
  campaign_digest TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  PRIMARY KEY(target_id, campaign, recipient, occurrence)) WITHOUT ROWID;
CREATE INDEX campaign_calls_by_request ON campaign_calls(target_id, campaign, request_key);
)sql",
    // 5 (probation fallback, issue 22): the voice fallback a
    // cut-over sets for its probation. Cut-overs from before this step never had one.
    R"sql(
ALTER TABLE snapshots ADD COLUMN fallback_state TEXT NOT NULL DEFAULT '';
ALTER TABLE snapshots ADD COLUMN fallback_url TEXT NOT NULL DEFAULT '';
ALTER TABLE snapshots ADD COLUMN fallback_method TEXT NOT NULL DEFAULT '';
ALTER TABLE snapshots ADD COLUMN probation_until TEXT NOT NULL DEFAULT '';
ALTER TABLE snapshots ADD COLUMN fallback_at TEXT NOT NULL DEFAULT '';
UPDATE snapshots SET fallback_state = 'untouched';
)sql",
};
constexpr int kLatest = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
constexpr int kBusyTimeoutMs = 5000;

// Switching a new file to WAL needs an exclusive lock and SQLite answers SQLITE_BUSY at once,
// without the busy handler, while another process creates the same file: retry until the
// busy timeout has passed.
void enable_wal(SQLite::Database& db) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");  // reports "memory" for :memory:, which is fine
      return;
    } catch (const SQLite::Exception& e) {
      if (e.getErrorCode() != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

int user_version(SQLite::Database& db) {
  SQLite::Statement q(db, "PRAGMA user_version");
  q.executeStep();
  return q.getColumn(0).getInt();
}

void migrate_to(SQLite::Database& db, int version) {
  if (version < 0 || version > kLatest) {
    throw StateError("no schema version " + std::to_string(version) + " (this one knows " +
                     std::to_string(kLatest) + ")");
  }
  for (int v = user_version(db) + 1; v <= version; ++v) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (user_version(db) >= v) continue;  // another process got there first
    db.exec(kMigrations[v - 1]);
    db.exec("PRAGMA user_version = " + std::to_string(v));
    tx.commit();
  }
}

void check_version(int found, const std::string& path) {
  if (found > kLatest) {
    throw StateError("state file " + path + " was written by a newer xuna-sync (schema " +
                     std::to_string(found) + ", this one knows " + std::to_string(kLatest) + ")");
  }
}

void prepare(SQLite::Database& db, const std::string& path) {
  db.setBusyTimeout(kBusyTimeoutMs);
  check_version(user_version(db), path);
  enable_wal(db);
  db.exec("PRAGMA synchronous = NORMAL");  // durable across a crash of the process in WAL mode
  db.exec("PRAGMA foreign_keys = ON");
  migrate_to(db, kLatest);
}

namespace detail {

int latest_schema_version() {
  return kLatest;
}

void migrate_file_to(const std::string& path, int version) {
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.setBusyTimeout(kBusyTimeoutMs);
    migrate_to(db, version);
  } catch (const SQLite::Exception& e) {
    throw StateError("state file " + path + ": " + e.what());
  }
}

}  // namespace detail
}  // namespace xs::state

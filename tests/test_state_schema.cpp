// Opening, creating and migrating the state file.
#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "state/schema.h"
#include "state/store.h"
#include "test_state_support.h"

using xs::state::open_store;
using xs::state::OpenMode;
using xs::state::StateError;
using xs::state::Store;
using xs::state::detail::latest_schema_version;
using xs::state::detail::migrate_file_to;
using xs::state::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Writes PRAGMA user_version straight into the header (bytes 60..63, big-endian), as a newer
// xuna-sync would leave it. The file must be closed (WAL checkpointed) first.
void stamp_user_version(const std::string& path, int version) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  f.seekp(60);
  const char bytes[4] = {static_cast<char>(version >> 24), static_cast<char>(version >> 16),
                         static_cast<char>(version >> 8), static_cast<char>(version)};
  f.write(bytes, 4);
  REQUIRE(f);
}

}  // namespace

TEST_CASE("a fresh state file gets the latest schema and its folder and WAL") {
  TempDir tmp;
  const std::string path = (tmp / "a/b/state.db");
  auto s = open_store(path);
  CHECK(latest_schema_version() >= 3);
  CHECK(s->schema_version() == latest_schema_version());
  CHECK(fs::exists(path));
  s->target("https://api.xuna.ai", "fp");  // a write, so the WAL file exists while open
  CHECK(fs::exists(path + "-wal"));
}

TEST_CASE("reopening a state file keeps its data and version") {
  TempDir tmp;
  const std::string path = (tmp / "state.db");
  std::int64_t t = 0;
  {
    auto s = open_store(path);
    t = s->target("https://api.xuna.ai", "fp");
    s->mark_managed_many(t, {{"+15551234567", "pn_1", "", ""}}, "2026-01-01T00:00:00Z");
  }
  auto s = open_store(path);
  CHECK(s->schema_version() == latest_schema_version());
  CHECK(s->target("https://api.xuna.ai", "fp") == t);
  CHECK(s->view(t).managed_numbers.count("+15551234567") == 1);
}

TEST_CASE("a file left at schema 1 is migrated forward") {
  TempDir tmp;
  const std::string path = (tmp / "state.db");
  migrate_file_to(path, 1);
  {
    auto s = open_store(path);
    CHECK(s->schema_version() == latest_schema_version());
    const auto t = s->target("https://api.xuna.ai", "fp");
    CHECK(s->batch_chunks(t, "renewals").empty());  // v2
    s->record_call_intent(t, 1, "renewals", "d", {{{"+15550000001", 1}, "d"}}, "k0",
                          "2026-01-01T00:00:00Z", "");  // v4
    CHECK(s->campaign_calls(t, "renewals").size() == 1);
    CHECK(s->acquire_lock(t, 1, "h", "now", [](int) { return true; }).token.size() == 32);  // v3
    CHECK(s->snapshots(t).empty());
  }
  auto again = open_store(path);  // migrating is not repeated
  CHECK(again->schema_version() == latest_schema_version());
}

TEST_CASE("migrating to a version this build does not know is refused") {
  TempDir tmp;
  CHECK_THROWS_AS(migrate_file_to((tmp / "state.db"), latest_schema_version() + 1), StateError);
}

TEST_CASE("a file written by a newer xuna-sync is refused naming both versions") {
  TempDir tmp;
  const std::string path = (tmp / "state.db");
  { open_store(path); }
  stamp_user_version(path, 99);
  const std::string message = "state file " + path +
                              " was written by a newer xuna-sync (schema 99, this one knows " +
                              std::to_string(latest_schema_version()) + ")";
  CHECK_THROWS_WITH(open_store(path), message);
  CHECK_THROWS_WITH(open_store(path, xs::state::OpenMode::ReadOnly), message);
}

TEST_CASE("a file that is not a SQLite database is refused naming the path") {
  TempDir tmp;
  const std::string path = (tmp / "notes.db");
  {
    std::ofstream f(path);
    for (int i = 0; i < 100; ++i) f << "this is not a database, just some notes\n";
  }
  const std::string message =
      "state file " + path + " is not a xuna-sync state (file is not a database)";
  CHECK_THROWS_WITH(open_store(path), message);
  CHECK_THROWS_WITH(open_store(path, xs::state::OpenMode::ReadOnly), message);
}

TEST_CASE("a state folder that cannot be created is an error naming the path") {
  TempDir tmp;
  { std::ofstream f((tmp / "file")); }
  const std::string path = (tmp / "file/state.db");
  CHECK_THROWS_WITH(open_store(path), Catch::Contains(path));
}

TEST_CASE("two processes creating the same state file at once both get the latest schema") {
  for (int round = 0; round < 20; ++round) {
    TempDir tmp;
    const std::string path = (tmp / "state.db");
    std::atomic<int> ready{0};
    int versions[2] = {0, 0};
    std::string errors[2];
    auto open = [&](int i) {
      ready.fetch_add(1);
      while (ready.load() < 2) std::this_thread::yield();
      try {
        versions[i] = open_store(path)->schema_version();
      } catch (const StateError& e) {
        errors[i] = e.what();
      }
    };
    std::thread a(open, 0), b(open, 1);
    a.join();
    b.join();
    INFO("round " << round << ": " << errors[0] << " " << errors[1]);
    CHECK(versions[0] == latest_schema_version());
    CHECK(versions[1] == latest_schema_version());
  }
}

TEST_CASE("cut-overs from before the probation fallback step read as untouched") {
  TempDir tmp;
  const std::string path = (tmp / "state.db");
  migrate_file_to(path, latest_schema_version() - 1);  // the step before the probation fallback
  {  // a cut-over recorded by the older schema
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
                       "INSERT INTO targets(id, api_url, key_fingerprint) VALUES(1, 'https://a', "
                       "'fp'); INSERT INTO snapshots(target_id, phone_number, before_voice_url) "
                       "VALUES(1, '+15551234567', 'https://ivr.example/v')",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  {
    auto ro = open_store(path, OpenMode::ReadOnly);  // read as it is, without the new columns
    auto snaps = ro->snapshots(1);
    REQUIRE(snaps.size() == 1);
    CHECK(snaps[0].fallback.state == xs::ProbationFallback::State::Untouched);
  }
  auto s = open_store(path);
  auto snaps = s->snapshots(1);
  REQUIRE(snaps.size() == 1);
  CHECK(snaps[0].before.voice_url == "https://ivr.example/v");
  CHECK(snaps[0].fallback.state == xs::ProbationFallback::State::Untouched);
}

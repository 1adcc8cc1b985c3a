// The SQLite backend's file: its mode, read-only use, full disks and files that are not ours.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "state/schema.h"
#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::state::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kT0 = "2026-01-01T00:00:00Z";

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs f in a child process as a user that is not root (nobody, when we are root: root ignores
// file modes); its exit status. f returns the child's exit code.
int as_unprivileged(const std::function<int()>& f) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(99);
    _exit(f());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 98;
}

}  // namespace

TEST_CASE("the state file and its WAL files are created mode 0600") {
  TempDir tmp;
  const std::string path = tmp / "state.db";
  ::umask(022);
  auto s = open_store(path);
  s->target("https://api.xuna.ai", "fp");  // a write: -wal and -shm exist while open
  CHECK(mode_of(path) == 0600);
  REQUIRE(fs::exists(path + "-wal"));
  CHECK(mode_of(path + "-wal") == 0600);
  CHECK(mode_of(path + "-shm") == 0600);
}

TEST_CASE("a missing state opened read-only is empty and stays missing") {
  TempDir tmp;
  const std::string path = tmp / "none/state.db";
  auto s = open_store(path, OpenMode::ReadOnly);
  CHECK_FALSE(s->find_target("https://api.xuna.ai", "fp"));
  CHECK(s->targets().empty());
  CHECK(s->runs(0, 0).empty());
  CHECK(s->view(1).managed_numbers.empty());
  CHECK_FALSE(s->lock_holder(0));
  CHECK(s->where() == path);
  CHECK_THROWS_AS(s->begin_run(1, "apply", kT0), StateError);
  CHECK_FALSE(fs::exists(tmp / "none"));
}

TEST_CASE("read-only use changes nothing, even on a file and folder nobody may write") {
  TempDir tmp;
  fs::create_directories(tmp / "ro");
  const std::string path = tmp / "ro/state.db";
  {
    auto s = open_store(path);
    const auto t = s->target("https://api.xuna.ai", "fp");
    s->mark_managed_many(t, {{"+15550000001", "pn_1", "", ""}}, kT0);
  }
  const std::string before = bytes_of(path);
  {
    auto s = open_store(path, OpenMode::ReadOnly);
    CHECK(s->view(*s->find_target("https://api.xuna.ai", "fp")).managed_numbers.size() == 1);
  }
  CHECK(bytes_of(path) == before);

  // As another user: the file 0400 and its folder 0500, both theirs.
  fs::permissions(tmp.root, fs::perms(0711));
  if (geteuid() == 0) {
    REQUIRE(::chown((tmp / "ro").c_str(), 65534, 65534) == 0);
    REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
  }
  fs::permissions(path, fs::perms(0400));
  fs::permissions(tmp / "ro", fs::perms(0500));
  const int status = as_unprivileged([&] {
    try {
      auto s = open_store(path, OpenMode::ReadOnly);
      const auto t = s->find_target("https://api.xuna.ai", "fp");
      if (!t || s->view(*t).managed_numbers.size() != 1) return 1;
    } catch (const StateError& e) {
      std::fprintf(stderr, "read-only open: %s\n", e.what());
      return 2;
    }
    try {
      open_store(path);
      return 3;
    } catch (const StateError& e) {
      const std::string what = e.what();
      if (what.find(path) == std::string::npos) return 4;
      if (what.find("cannot be written") == std::string::npos &&
          what.find("readonly") == std::string::npos && what.find("read-only") == std::string::npos)
        return 5;
    }
    return 0;
  });
  fs::permissions(tmp / "ro", fs::perms(0700));
  CHECK(status == 0);
  CHECK(bytes_of(path) == before);
}

TEST_CASE("a state at an older schema is read as it is when opened read-only") {
  TempDir tmp;
  const std::string path = tmp / "state.db";
  detail::migrate_file_to(path, 1);
  auto s = open_store(path, OpenMode::ReadOnly);
  CHECK(s->schema_version() == 1);
  CHECK(s->targets().empty());
  CHECK(s->batch_chunks(1, "x").empty());
  CHECK(s->snapshots(1).empty());
  CHECK_FALSE(s->lock_holder(0));
  CHECK(s->view(1).campaigns.empty());
  CHECK(s->campaign_calls(1, "x").empty());
  CHECK(open_store(path, OpenMode::ReadOnly)->schema_version() == 1);  // not migrated
}

TEST_CASE("a full disk is a StateError naming the file, and the state stays usable") {
  TempDir tmp;
  const std::string path = tmp / "state.db";
  auto s = open_store(path);
  const auto t = s->target("https://api.xuna.ai", "fp");
  const auto run = s->begin_run(t, "apply", kT0);
  detail::set_max_page_count(*s, 1);  // SQLite keeps the current size: no room for more
  std::vector<ManagedNumber> many;
  for (int i = 0; i < 2000; ++i)
    many.push_back({"+1555" + std::to_string(1000000 + i), "", "", ""});
  CHECK_THROWS_WITH(s->mark_managed_many(t, many, kT0),
                    Catch::Contains(path) && Catch::Contains("database or disk is full"));
  ActionIntent i;
  i.phone_number = "+15550000001";
  i.detail = std::string(100000, 'x');  // does not fit
  CHECK_THROWS_WITH(s->record_intent(run, i, kT0), Catch::Contains("database or disk is full"));
  CHECK(s->managed_numbers(t).empty());  // the failed transaction left nothing
  CHECK(s->actions_of(run).empty());
  CHECK(s->runs(t, 0).size() == 1);
}

TEST_CASE("a SQLite database of something else is not taken for a state") {
  TempDir tmp;
  const std::string path = tmp / "other.db";
  {
    auto s = open_store(tmp / "seed.db");  // any way to write a SQLite file from here
  }
  {
    std::ofstream f(path, std::ios::binary);
    f << bytes_of(tmp / "seed.db");
  }
  // A file whose tables are not ours.
  std::system(
      ("sqlite3 '" + path + "' 'DROP TABLE targets; CREATE TABLE photos(x);' 2>/dev/null").c_str());
  if (bytes_of(path).find("photos") == std::string::npos) return;  // no sqlite3 shell here
  CHECK_THROWS_WITH(open_store(path), Catch::Contains("is not a xuna-sync state"));
}

TEST_CASE("the WAL is checkpointed beside a writer that keeps writing, not inside its commits") {
  // Issue 23: SQLite's auto-checkpoint ran inside the commit that crossed a thousand pages,
  // holding the store 5 to 20 ms; a thread of the store's own checkpoints instead (the time
  // saved is the bench's). What must not be lost with SQLite's own: while the store is open
  // and writing, what it wrote reaches the database file (the WAL does not just grow).
  TempDir tmp;
  const std::string path = tmp / "state.db";
  auto store = open_store(path);
  const auto target = store->target("https://api.example", "fp");
  const auto run = store->begin_run(target, "apply", kT0);
  const auto db_size = [&] { return fs::file_size(path); };
  const auto before = db_size();
  ActionIntent intent;
  intent.kind = xs::ActionKind::Assign;
  intent.detail = std::string(2000, 'd');  // a page's worth each: the WAL passes 1000 pages
  for (int i = 0; i < 3000; ++i) {
    intent.phone_number = "+1555" + std::to_string(1000000 + i);
    store->record_intent(run, intent, kT0);
  }
  bool reached = db_size() > before + 1000 * 1024;
  for (int wait = 0; !reached && wait < 500; ++wait) {  // the checkpointer's thread, 5 s at most
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    reached = db_size() > before + 1000 * 1024;
  }
  CHECK(reached);
  CHECK(store->actions_of(run).size() == 3000);
}

TEST_CASE("writes_ending empties the WAL beside the writer, and the data stays") {
  // An apply's close unlinked a WAL of its ~4,000 writes (~5 MB) after its last answer; told
  // that the writes end, the store truncates it while the last requests fly (issue 23).
  TempDir tmp;
  const std::string path = tmp / "state.db";
  auto s = open_store(path);
  const std::int64_t t = s->target("https://api.xuna.ai", "fp");
  std::vector<ManagedNumber> many;
  for (int i = 0; i < 2000; ++i)
    many.push_back({"+1555" + std::to_string(1000000 + i), "pn_" + std::to_string(i), "", ""});
  for (std::size_t at = 0; at < many.size(); at += 50)  // a transaction each, as a run writes
    s->mark_managed_many(t, {many.begin() + static_cast<std::ptrdiff_t>(at),
                             many.begin() + static_cast<std::ptrdiff_t>(at + 50)},
                         "2026-01-01T00:00:00Z");
  REQUIRE(fs::file_size(path + "-wal") > 0);
  s->writes_ending();
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fs::file_size(path + "-wal") > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(fs::file_size(path + "-wal") == 0);
  s->mark_managed_many(t, {{"+15559999999", "pn_last", "", ""}}, "2026-01-01T00:00:01Z");
  CHECK(s->view(t).managed_numbers.size() == 2001);
  s.reset();
  CHECK(open_store(path)->view(t).managed_numbers.size() == 2001);
}

// Side files (calls_csv, suppress) stay in the mapping's folder and are regular files; a
// diagnostic quotes little of them (issue 20).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "mapping/load.h"
#include "mapping_fixtures.h"
#include "temp_dir.h"

using xs::test::TempDir;
using Lines = std::vector<std::string>;

using xs::test::batch;
using xs::test::diags;

namespace {

// The mapping with a suppress list naming `file` (line 20, column 5).
std::string suppressing(const std::string& file) {
  return batch("") + "suppress:\n  - " + file + "\n";
}

xs::LoadResult load_outside(const std::string& m) {
  xs::LoadOptions o;
  o.allow_outside_files = true;
  return xs::load_mapping({m}, o);
}

}  // namespace

TEST_CASE("a side file outside the mapping's folder is refused, naming the flag that allows it") {
  TempDir dir;
  const std::string outside = dir.write("elsewhere/dnc.txt", "+12125550199\n");
  const std::string m = dir.write("m/main.yaml", suppressing(outside));
  CHECK(diags(xs::load_mapping({m})) ==
        Lines{m + ":20:5: suppression file '" + outside + "' is outside the mapping's folder '" +
              (dir / "m") + "': refused; --allow-outside-files reads it"});
  const auto allowed = load_outside(m);
  REQUIRE(diags(allowed).empty());
  CHECK(allowed.desired.suppressed == Lines{"+12125550199"});

  SECTION("a relative path climbing out, and a calls_csv, alike") {
    dir.write("elsewhere/calls.csv", "to\n+12125550150\n");
    const std::string m2 =
        dir.write("m/climb.yaml", batch("    calls_csv: ../elsewhere/calls.csv\n", "") +
                                      "suppress:\n" + "  - ../elsewhere/dnc.txt\n");
    const Lines d = diags(xs::load_mapping({m2}));
    REQUIRE(d.size() == 2);
    CHECK_THAT(d[0],
               Catch::StartsWith(m2 + ":17:16: calls_csv '" + (dir / "m/../elsewhere/calls.csv") +
                                 "' is outside the mapping's folder") &&
                   Catch::Contains("(it resolves to '" + (dir / "elsewhere/calls.csv") + "')") &&
                   Catch::EndsWith("--allow-outside-files reads it"));
    CHECK_THAT(d[1], Catch::StartsWith(m2 + ":19:5: suppression file"));
  }
}

TEST_CASE("the mapping's folder is the folder given with -f, so its subfolders are inside") {
  TempDir dir;
  dir.write("m/lists/dnc.txt", "+12125550199\n");
  dir.write("m/teams/main.yaml", suppressing("../lists/dnc.txt"));
  // named as a file, its own folder m/teams is the root: m/lists is outside
  CHECK(diags(xs::load_mapping({dir / "m/teams/main.yaml"})).size() == 1);
  // named through the folder m, the whole of m is
  std::filesystem::rename(dir / "m/teams/main.yaml", dir / "m/main.yaml");
  dir.write("m/main.yaml", suppressing("lists/dnc.txt"));
  CHECK(diags(xs::load_mapping({dir / "m"})).empty());
}

TEST_CASE("a symbolic link inside the folder that points outside it is refused") {
  TempDir dir;
  const std::string secret = dir.write("home/.pgpass", "db:5432:xs:sync:hunter2-pgpass\n");
  std::filesystem::create_directories(dir / "m");
  std::filesystem::create_symlink(secret, dir / "m/dnc.txt");
  const std::string m = dir.write("m/main.yaml", suppressing("dnc.txt"));
  const Lines d = diags(xs::load_mapping({m}));
  REQUIRE(d.size() == 1);
  CHECK_THAT(d[0], Catch::Contains("suppression file '" + (dir / "m/dnc.txt") +
                                   "' is outside the mapping's folder") &&
                       Catch::Contains("(it resolves to '" + secret + "')"));
  CHECK_THAT(d[0], !Catch::Contains("hunter2"));
}

TEST_CASE("only regular files are read, even with --allow-outside-files") {
  TempDir dir;
  SECTION("/proc/self/environ says it is a regular file, and is refused") {
    const std::string m = dir.write("m/main.yaml", suppressing("/proc/self/environ"));
    for (const auto& r : {xs::load_mapping({m}), load_outside(m)}) {
      CHECK(diags(r) == Lines{m + ":20:5: suppression file '/proc/self/environ' is not a regular "
                                  "file (a device, a FIFO, a folder, or a file of /proc or "
                                  "/sys): refused"});
    }
  }
  SECTION("a FIFO in the folder is refused without being opened (nothing blocks)") {
    REQUIRE(::mkfifo((dir / "m-fifo").c_str(), 0600) == 0);
    std::filesystem::create_directories(dir / "m");
    std::filesystem::rename(dir / "m-fifo", dir / "m/dnc.txt");
    const std::string m = dir.write("m/main.yaml", suppressing("dnc.txt"));
    CHECK_THAT(diags(load_outside(m)).at(0), Catch::EndsWith("is not a regular file (a device, a "
                                                             "FIFO, a folder, or a file of /proc "
                                                             "or /sys): refused"));
  }
  SECTION("a device") {
    const std::string m = dir.write("m/main.yaml", suppressing("/dev/zero"));
    CHECK_THAT(diags(load_outside(m)).at(0), Catch::Contains("is not a regular file"));
  }
}

TEST_CASE("a diagnostic quotes at most 40 characters of a side file's line") {
  TempDir dir;
  const std::string line = "PATH=/usr/bin XUNA_API_KEY=xk_0123456789abcdef0123456789 HOME=/root";
  const std::string list = dir.write("m/dnc.txt", line + "\n");
  const std::string m = dir.write("m/main.yaml", "default_region: US\n" + suppressing("dnc.txt"));
  const Lines d = diags(xs::load_mapping({m}));
  REQUIRE(d.size() == 1);
  CHECK_THAT(d[0], Catch::StartsWith(list + ":1:1: invalid phone number '" + line.substr(0, 40) +
                                     "...' for region US: "));
  CHECK_THAT(d[0], !Catch::Contains("0123456789abcdef0123456789"));
}

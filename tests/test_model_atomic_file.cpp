// write_file_atomically: the new content under the same name, a new inode, nothing left over.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "temp_dir.h"
#include "util/atomic_file.h"

using namespace xs;

namespace {

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::size_t entries(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a file is created, then replaced by rename, readable by others, no temp left") {
  test::TempDir dir;
  const std::string path = dir / "run.prom";
  write_file_atomically(path, "first\n");
  CHECK(read(path) == "first\n");
  struct stat before {
  }, after{};
  REQUIRE(::stat(path.c_str(), &before) == 0);
  CHECK((before.st_mode & 0777) == 0644);
  write_file_atomically(path, "second\n");
  REQUIRE(::stat(path.c_str(), &after) == 0);
  CHECK(read(path) == "second\n");
  CHECK(after.st_ino != before.st_ino);
  CHECK(entries(dir.root) == 1);
}

TEST_CASE("a folder that does not exist is an error naming the path") {
  test::TempDir dir;
  const std::string path = dir / "missing/run.prom";
  try {
    write_file_atomically(path, "x");
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("cannot write " + path) == 0);
  }
}

TEST_CASE("a file name without a folder is written in the current folder") {
  test::TempDir dir;
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.root);
  write_file_atomically("here.prom", "x\n");
  std::filesystem::current_path(cwd);
  CHECK(read(dir / "here.prom") == "x\n");
  CHECK(entries(dir.root) == 1);
}

#include "pg_cluster.h"

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>

#ifndef XS_PG_CLUSTER_SCRIPT
#error "XS_PG_CLUSTER_SCRIPT: the path of tests/pg_cluster.sh"
#endif

namespace xs::test {
namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs the script; its stdout, or runtime_error with its stderr.
std::string run(const std::string& args) {
  namespace fs = std::filesystem;
  const std::string err = (fs::temp_directory_path() / "xs-pg-cluster-XXXXXX").string();
  std::string tmpl = err;
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  std::string command = quote(XS_PG_CLUSTER_SCRIPT) + " " + args + " 2>" + quote(tmpl);
  FILE* p = popen(command.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " XS_PG_CLUSTER_SCRIPT);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int status = pclose(p);
  std::ifstream in(tmpl);
  std::stringstream errors;
  errors << in.rdbuf();
  ::close(fd);
  std::remove(tmpl.c_str());
  if (status != 0)
    throw std::runtime_error(errors.str().empty() ? "pg_cluster.sh failed" : errors.str());
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

PgCluster::PgCluster() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "xs-pg-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl + "/cluster";  // the script creates it, owned by postgres
  std::filesystem::permissions(tmpl, std::filesystem::perms::owner_all |
                                         std::filesystem::perms::group_exec |
                                         std::filesystem::perms::others_exec);
  try {
    run("start " + quote(dir_));
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(tmpl, ec);
    throw;
  }
}

PgCluster::~PgCluster() {
  try {
    run("stop " + quote(dir_));
  } catch (const std::exception& e) {
    std::cerr << "pg_cluster: " << e.what() << "\n";
  }
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(dir_).parent_path(), ec);
}

std::string PgCluster::create_database(const std::string& name) const {
  return run("createdb " + quote(dir_) + " " + quote(name));
}

bool PgCluster::psql(const std::string& name, const std::string& sql) const {
  const std::string command = "psql -X -q -v ON_ERROR_STOP=1 -h " + quote(dir_) +
                              " -U postgres -d " + quote(name) + " -c " + quote(sql) +
                              " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

PgCluster& shared_pg_cluster() {
  static std::unique_ptr<PgCluster> cluster = [] {
    try {
      return std::make_unique<PgCluster>();
    } catch (const std::exception& e) {
      const char* ci = std::getenv("CI");
      const bool must = ci && std::strcmp(ci, "true") == 0;
      std::cerr << (must ? "FAILED" : "SKIPPED")
                << ": cannot start a PostgreSQL cluster: " << e.what() << "\n";
      std::exit(must ? 1 : 125);
    }
  }();
  return *cluster;
}

}  // namespace xs::test

#pragma once
// A throwaway PostgreSQL cluster for a test executable: tests/pg_cluster.sh behind a class.
#include <string>

namespace xs::test {

class PgCluster {
 public:
  // Starts a cluster in a new temp folder; std::runtime_error with the reason if it cannot.
  PgCluster();
  ~PgCluster();  // stops the server and removes the folder
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // Creates database name and returns its URI (trust auth, Unix socket, no password).
  std::string create_database(const std::string& name) const;
  // Runs sql on database name with psql; false if it failed.
  bool psql(const std::string& name, const std::string& sql) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// The cluster of this executable, started on first use and stopped at exit. When it cannot
// start: prints why and exits 125 (CTest: skipped), or 1 when CI=true (must not skip silently).
PgCluster& shared_pg_cluster();

}  // namespace xs::test

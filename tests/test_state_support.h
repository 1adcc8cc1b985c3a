#pragma once
// The state tests: a temp folder, and the backend under test. Conformance cases ("[conformance]")
// run against SQLite, or against PostgreSQL when XS_STATE_BACKEND=postgresql (a throwaway
// cluster started once per test executable, tests/pg_cluster.h).
#include <cstdlib>
#include <memory>
#include <string>

#include "state/store.h"
#include "temp_dir.h"

namespace xs::state::testing {
using xs::test::TempDir;

// True when this executable tests the PostgreSQL backend.
bool testing_postgres();

// A fresh, empty state of the backend under test: a file in a temp folder, or a new database.
class TestState {
 public:
  TestState();
  ~TestState();
  // Where it is: the path or the URI (no password: trust auth).
  const std::string& location() const { return location_; }
  std::unique_ptr<Store> open(OpenMode mode = OpenMode::ReadWrite) const {
    return open_store(location_, mode);
  }

 private:
  // The cluster starts (or the executable exits 125) before anything needs cleaning up.
  const bool started_ = start_backend();

 public:
  TempDir tmp;  // always there, for files the test needs

 private:
  static bool start_backend();
  std::string location_, database_;
};

}  // namespace xs::state::testing

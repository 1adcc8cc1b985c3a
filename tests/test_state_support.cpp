// The backend under test (test_state_support.h).
#include "test_state_support.h"

#include <unistd.h>

#include <atomic>
#include <cstring>

#include "pg_cluster.h"

namespace xs::state::testing {

bool testing_postgres() {
  const char* backend = std::getenv("XS_STATE_BACKEND");
  return backend && std::strcmp(backend, "postgresql") == 0;
}

bool TestState::start_backend() {
  if (testing_postgres()) xs::test::shared_pg_cluster();
  return true;
}

TestState::TestState() {
  if (!testing_postgres()) {
    location_ = tmp / "state.db";
    return;
  }
  static std::atomic<int> count{0};
  database_ = "xs_test_" + std::to_string(getpid()) + "_" + std::to_string(++count);
  location_ = xs::test::shared_pg_cluster().create_database(database_);
}

TestState::~TestState() {
  if (!database_.empty())
    xs::test::shared_pg_cluster().psql(
        "postgres", "DROP DATABASE IF EXISTS \"" + database_ + "\" WITH (FORCE)");
}

}  // namespace xs::state::testing

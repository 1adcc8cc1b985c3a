// --state values: which backend, what messages show of them, and what is refused before connecting.
#include <catch2/catch.hpp>

#include "state/store.h"

using namespace xs::state;

TEST_CASE("display_location strips credentials from a URI and leaves a path alone") {
  CHECK(display_location("/var/lib/xuna-sync/state.db") == "/var/lib/xuna-sync/state.db");
  CHECK(display_location("postgresql://sync@db.example:5433/xuna?sslmode=verify-full") ==
        "postgresql://db.example:5433/xuna?sslmode=verify-full");
  CHECK(display_location("postgres://u:pw@db.example/xuna") == "postgres://db.example/xuna");
  CHECK(display_location("postgresql:///xuna?host=/run/pg&user=sync&password=pw&"
                         "sslrootcert=/etc/ca.pem") ==
        "postgresql:///xuna?host=/run/pg&sslrootcert=/etc/ca.pem");
}

TEST_CASE("a password inside the URI is refused naming libpq's own ways, and never shown") {
  for (const std::string uri : {"postgresql://sync:hunter2@db.example/xuna",
                                "postgres://sync:hunter2@db.example/xuna?sslmode=require",
                                "postgresql://db.example/xuna?password=hunter2",
                                "postgresql://db.example/xuna?user=sync&pass%77ord=hunter2"}) {
    INFO(uri);
    try {
      open_store(uri);
      FAIL("opened");
    } catch (const InvalidLocation& e) {  // invalid input (exit 3), not a failure to connect
      const std::string what = e.what();
      CHECK(what.find("hunter2") == std::string::npos);
      CHECK_THAT(what, Catch::Contains("PGPASSWORD") && Catch::Contains("~/.pgpass") &&
                           Catch::Contains("PGPASSFILE") && Catch::Contains("db.example"));
    }
  }
}

TEST_CASE("a database that cannot be reached is an error naming host and database") {
  const std::string uri = "postgresql:///xuna_state?host=/nonexistent/xs-socket-dir&user=sync";
  CHECK_THROWS_WITH(open_store(uri),
                    Catch::StartsWith("state postgresql:///xuna_state?host=/nonexistent/"
                                      "xs-socket-dir: cannot connect to PostgreSQL database "
                                      "xuna_state on host /nonexistent/xs-socket-dir: "));
  CHECK_THROWS_WITH(open_store("postgresql://sync@127.0.0.1:1/xuna", OpenMode::ReadOnly),
                    Catch::Contains("database xuna on host 127.0.0.1"));
}

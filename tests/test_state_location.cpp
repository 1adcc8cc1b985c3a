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

TEST_CASE("a URI password is found whatever it holds, and never shown") {
  for (const std::string uri :
       {"postgresql://xuna:s3cr/etpw@localhost/xs", "postgresql://xuna:a@b@localhost/xs",
        "postgres://xuna:p%40ss%2Fw@localhost:5432/xs?sslmode=require",
        "postgresql://xuna:pw@/xs?host=/run/pg", "postgresql://xuna:s3cr/et?pw@localhost/xs"}) {
    INFO(uri);
    try {
      open_store(uri);
      FAIL("opened");
    } catch (const InvalidLocation& e) {
      const std::string what = e.what();
      for (const char* part : {"s3cr", "etpw", "a@b", "p%40ss", "pw@"})
        CHECK(what.find(part) == std::string::npos);
      CHECK(what.find("xuna:") == std::string::npos);
    }
    CHECK(display_location(uri).find("s3cr") == std::string::npos);
  }
  CHECK(display_location("postgresql://xuna:s3cr/etpw@localhost/xs") ==
        "postgresql://localhost/xs");
  CHECK(display_location("postgresql://xuna:a@b@db.example:5433/xs?sslmode=verify-full") ==
        "postgresql://db.example:5433/xs?sslmode=verify-full");
}

TEST_CASE("libpq keyword=value strings are PostgreSQL, and a password key is refused") {
  CHECK(display_location("host=db dbname=xuna_sync user=sync sslmode=verify-full") ==
        "host=db dbname=xuna_sync sslmode=verify-full");
  CHECK(display_location("host = db  dbname='xuna sync' password='it\\'s'") ==
        "host=db dbname='xuna sync'");
  for (const std::string conninfo : {"host=db dbname=xs user=sync password=hunter2",
                                     "host=db password = 'hunter2 with spaces' dbname=xs"}) {
    INFO(conninfo);
    try {
      open_store(conninfo);
      FAIL("opened");
    } catch (const InvalidLocation& e) {
      const std::string what = e.what();
      CHECK(what.find("hunter2") == std::string::npos);
      CHECK_THAT(what, Catch::Contains("a password in the connection string is refused") &&
                           Catch::Contains("PGPASSWORD") && Catch::Contains("host=db"));
    }
  }
  // a keyword string goes to PostgreSQL: here a socket folder that is not there
  CHECK_THROWS_WITH(open_store("host=/nonexistent/xs-socket-dir dbname=xuna_state"),
                    Catch::StartsWith("state host=/nonexistent/xs-socket-dir dbname=xuna_state: "
                                      "cannot connect to PostgreSQL database xuna_state on host "
                                      "/nonexistent/xs-socket-dir: "));
}

TEST_CASE("a value with '=' or '://' that is neither PostgreSQL nor a path is refused") {
  for (const std::string bad :
       {"mysql://u:hunter2@db/xs", "sqlite:///var/lib/xs.db", "hots=db dbname=xs", "host=db dbname",
        "host='db dbname=xs", "state=1.db", "postgresql://db/xs?sslmode",
        "postgresql://u@db/xs?hunter2@x"}) {
    INFO(bad);
    try {
      open_store(bad);
      FAIL("opened");
    } catch (const InvalidLocation& e) {
      const std::string what = e.what();
      CHECK(what.find("hunter2") == std::string::npos);
      CHECK_THAT(what, Catch::Contains("neither a SQLite path nor a PostgreSQL location"));
    }
  }
  CHECK(display_location("mysql://u:hunter2@db/xs") == "mysql://(not shown)");
}

TEST_CASE("a keyword string is handed to libpq written again as key=value") {
  // With spaces around '=' too, pg_connect finds 'connect_timeout=' and adds no default of its
  // own after it; the message shows the location as libpq was given it.
  CHECK_THROWS_WITH(
      open_store("host = /nonexistent/xs-socket-dir  dbname = 'xuna state' connect_timeout = 1"),
      Catch::StartsWith("state host=/nonexistent/xs-socket-dir dbname='xuna state' "
                        "connect_timeout=1: cannot connect to PostgreSQL database xuna state on "
                        "host /nonexistent/xs-socket-dir: "));
}

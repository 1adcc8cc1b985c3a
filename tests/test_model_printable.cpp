// One escaping path (util/printable.h) for every output, and redaction of secrets cut short.
#include <catch2/catch.hpp>

#include "util/log.h"
#include "util/printable.h"

TEST_CASE("printable escapes what could forge a line or hide text") {
  CHECK(xs::printable("a\nb\x1b[8mc\u202Ed\\") == "a\\nb\\e[8mc\\u{202E}d\\\\");
  CHECK(xs::printable("Caf\xC3\xA9 \"x\"", true) == "Caf\xC3\xA9 \\\"x\\\"");
}

TEST_CASE("redact hides a registered secret whole, and its beginning before an excerpt's dots") {
  const std::string key = "xk_cut0123456789abcdef0123456789abcdef0123";
  xs::register_secret(xs::Secret(key));
  CHECK(xs::redact("key " + key + " end") == "key *** end");
  CHECK(xs::redact("invalid phone number '" + key.substr(0, 37) + "...'") ==
        "invalid phone number '***...'");
  CHECK(xs::redact("PATH=/bin " + key.substr(0, 20) + "...") == "PATH=/bin ***...");
  CHECK(xs::redact("xk_cu...") == "xk_cu...");  // shorter than a registered secret can be
  CHECK(xs::redact("and so on...") == "and so on...");
}

TEST_CASE("json_printable writes bidi and C1 controls as JSON escapes, and nothing else changes") {
  CHECK(xs::json_printable("{\"name\": \"a\u202Eb \xC2\x85 caf\xC3\xA9\"}") ==
        "{\"name\": \"a\\u202eb \\u0085 caf\xC3\xA9\"}");
  CHECK(xs::json_printable("[\"\\n\", 1]") == "[\"\\n\", 1]");
}

// Files that are not a usable YAML mapping at all: syntax, empty, wrong shape, version, keys.
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping_fixtures.h"

namespace {

std::vector<std::string> check(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : xs::load_mapping_sources({{"m.yaml", text}}).diagnostics) {
    out.push_back(d.str());
  }
  return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("a YAML syntax error is reported at its mark, 1-based") {
  CHECK(check("version: 1\nnumbers: [\n  {a: 1}\n") ==
        Lines{"m.yaml:4:1: end of sequence flow not found (the '[' at line 2, column 10 is not "
              "closed)"});
  CHECK(check("version: 1\nnumbers:\n  - label: a: b\n") ==
        Lines{"m.yaml:3:13: illegal map value"});
  CHECK(check("version: 1\n\tnumbers: []\n") ==
        Lines{"m.yaml:2:1: tabs cannot indent YAML; use spaces"});
  CHECK(check("version: 1\nx: *nowhere\n") ==
        Lines{"m.yaml:2:4: the referenced anchor is not defined"});
}

TEST_CASE("a JSON file parses as YAML, and its syntax errors are located too") {
  CHECK(check(R"({"version": 1, "twilio_accounts": {}, "numbers": []})").empty());
  CHECK(check("{\"version\": 1,\n \"numbers\": [}\n") == Lines{"m.yaml:2:14: illegal flow end"});
}

TEST_CASE("an empty file is reported for the file as a whole") {
  const Lines expected{"m.yaml: empty file (expected a mapping starting with 'version: 1')"};
  CHECK(check("") == expected);
  CHECK(check("# only a comment\n\n") == expected);
  CHECK(check("---\n") == expected);
}

TEST_CASE("the top level must be a map") {
  CHECK(check("- version: 1\n") ==
        Lines{"m.yaml:1:1: expected a map at the top level (starting with 'version: 1')"});
  CHECK(check("\n  just text\n") ==
        Lines{"m.yaml:2:3: expected a map at the top level (starting with 'version: 1')"});
}

TEST_CASE("one YAML document per file") {
  CHECK(check("version: 1\n---\nversion: 1\n") ==
        Lines{"m.yaml:2:1: more than one YAML document in a file (split them into files)"});
}

TEST_CASE("version must be present and be 1") {
  CHECK(check("version: 2\n") == Lines{"m.yaml:1:10: unsupported version 2 (expected 1)"});
  CHECK(check("version: \"1.1\"\n") == Lines{"m.yaml:1:10: unsupported version 1.1 (expected 1)"});
  CHECK(check("version: [1]\n") == Lines{"m.yaml:1:10: expected 'version: 1'"});
  CHECK(check("version:\nnumbers: []\n") == Lines{"m.yaml:1:1: expected 'version: 1'"});
  CHECK(check("numbers: []\n") ==
        Lines{"m.yaml:1:1: missing required key 'version' (expected 'version: 1')"});
  CHECK(check("version: 1\n").empty());
}

TEST_CASE("unknown top-level keys, with a did-you-mean for near misses") {
  CHECK(check("version: 1\nnumber: []\nbatch_call: []\ncolour: blue\n") ==
        Lines{
            "m.yaml:2:1: unknown key 'number' (did you mean 'numbers'?)",
            "m.yaml:3:1: unknown key 'batch_call' (did you mean 'batch_calls'?)",
            "m.yaml:4:1: unknown key 'colour'",
        });
  CHECK(check("vesion: 1\n") ==
        Lines{"m.yaml:1:1: unknown key 'vesion' (did you mean 'version'?)",
              "m.yaml:1:1: missing required key 'version' (expected 'version: 1')"});
}

TEST_CASE("duplicate keys in one map are errors naming the first") {
  CHECK(check("version: 1\nnumbers: []\nversion: 1\n") ==
        Lines{"m.yaml:3:1: duplicate key 'version' (first declared at m.yaml:1:1)"});
  CHECK(check("version: 1\ntwilio_accounts:\n  main: {}\n  main: {}\n") ==
        Lines{
            "m.yaml:3:3: missing required key 'account_sid' (or 'account_sid_env')",
            "m.yaml:3:3: missing required key 'auth_token_env'",
            "m.yaml:4:3: duplicate key 'main' (first declared at m.yaml:3:3)",
        });
}

TEST_CASE("keys must be strings") {
  CHECK(check("version: 1\n? [a, b]\n: 1\n") == Lines{"m.yaml:2:3: expected a string key"});
}

TEST_CASE("recursive and exploding aliases are refused, not followed forever") {
  CHECK(check("version: 1\nx: &a [*a]\n") ==
        Lines{"m.yaml:2:4: nested more than 64 levels deep (a recursive alias?)"});
  std::string bomb = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 8; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += (j ? ", " : "") + prev;
    bomb += "]\n";
  }
  // 10^9 bytes of "x" once expanded: refused by the byte budget, at the alias that passes it
  CHECK(check(bomb) == Lines{"m.yaml:9:10: alias '*a6' (of the anchor '&a6' at line 8) makes the "
                             "mapping hold more than 16 MiB once aliases are expanded (the limit "
                             "is 4 times the file's size, at least 16 MiB): refused as an alias "
                             "bomb"});
  // empty strings weigh nothing: a bomb of them is refused by the node count
  std::string empty = "version: 1\na0: &a0 ['', '', '', '', '', '', '', '', '', '']\n";
  for (int i = 1; i <= 8; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    empty += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) empty += (j ? ", " : "") + prev;
    empty += "]\n";
  }
  CHECK(check(empty) ==
        Lines{"m.yaml: too large: more than 2000000 nodes once aliases are expanded"});
}

TEST_CASE("nesting beyond the reader's depth limit (1000) is a diagnostic, not a crash") {
  const std::string deep = "version: 1\nx: " + std::string(3000, '[') + std::string(3000, ']');
  const Lines d = check(deep);
  REQUIRE(d.size() == 1);
  CHECK(d[0].rfind("m.yaml:2:", 0) == 0);
  CHECK(d[0] == "m.yaml:2:1003: nested too deeply");
}

TEST_CASE("Windows line endings and a UTF-8 byte order mark are fine") {
  CHECK(check("\xEF\xBB\xBFversion: 1\r\nnumbers: []\r\n").empty());
  CHECK(check("version: 1\r\nnumbers: 5\r\n") ==
        Lines{"m.yaml:2:10: expected a list for 'numbers'"});
}

TEST_CASE("a stray ',' is an error, not the endless loop of yaml-cpp 0.7's LoadAll") {
  CHECK(check(",\nversion: 1\n") == Lines{"m.yaml:1:1: unexpected ','"});
  CHECK(check("# header\n, edit it\nversion: 1\n") == Lines{"m.yaml:2:1: unexpected ','"});
  CHECK(check("{\"version\": 1},\n") == Lines{"m.yaml:1:15: unexpected ','"});
  CHECK(check("version: 1\n---\n,\n") ==
        Lines{"m.yaml:2:1: more than one YAML document in a file (split them into files)",
              "m.yaml:3:1: unexpected ','"});
  CHECK(check("&x ,\n") == Lines{"m.yaml:1:4: unexpected ','"});
}

TEST_CASE("content after a JSON document is another document") {
  CHECK(check("{\"version\": 1}\n{\"version\": 1}\n") ==
        Lines{"m.yaml:2:1: more than one YAML document in a file (split them into files)"});
}

TEST_CASE("an opening '---' (after comments and a directive) is not a second document") {
  CHECK(check("# c\n%YAML 1.2\n---\nversion: 1\n").empty());
  CHECK(check("---\nversion: 1\n...\n").empty());
  CHECK(check("---\nversion: 1\n---\nversion: 1\n") ==
        Lines{"m.yaml:3:1: more than one YAML document in a file (split them into files)"});
}

TEST_CASE("syntax errors not worded after yaml-cpp name what was open and where it started") {
  CHECK(check("version: 1\nx: \"open\n") ==
        Lines{"m.yaml:3:1: found unexpected end of stream (while scanning a quoted scalar that "
              "starts at line 2, column 4)"});
  CHECK(check("version: 1\nx: {a: 1\n") ==
        Lines{"m.yaml:3:1: end of map flow not found (the '{' at line 2, column 4 is not closed)"});
  CHECK(check("version: 1\nx: [1, 2\ny: 3\n") ==
        Lines{"m.yaml:3:2: end of sequence flow not found (the '[' at line 2, column 4 is not "
              "closed)"});
  CHECK(check("version: 1\nx: \"a\\qb\"\n") ==
        Lines{"m.yaml:2:6: found unknown escape character '\\q' (while parsing a quoted scalar "
              "that starts at line 2, column 4)"});
  CHECK(check("version: 1\nnumbers:\n  - label: a\n   agent: b\n") ==
        Lines{"m.yaml:4:4: did not find expected '-' indicator (while parsing a block "
              "collection that starts at line 3, column 3; check the indentation)"});
  CHECK(check("version: 1\nx: @here\n") ==
        Lines{"m.yaml:2:4: found character that cannot start any token (while scanning for the "
              "next token that starts at line 2, column 4)"});
}

TEST_CASE("columns count characters, not bytes") {
  CHECK(check("version: 1\nagents: {\"ünï\": agent_, x: [}\n") ==
        Lines{"m.yaml:2:29: illegal flow end"});
}

TEST_CASE("a control character is located, invalid UTF-8 is read as U+FFFD") {
  CHECK(check("version: 1\nx: a\x01"
              "b\n") == Lines{"m.yaml:2:5: control characters are not allowed (#x1)"});
  const std::string text =
      xs::test::kMappingHeader + "  - phone_number: \"+12125550101\"\n    label: caf\xE9\n";
  const auto r = xs::load_mapping_sources({{"m.yaml", text}});
  REQUIRE(r.diagnostics.empty());
  CHECK(r.desired.numbers.at(0).label == "caf\xEF\xBF\xBD");
}

TEST_CASE("plain scalars stay text: YAML 1.1 booleans, numbers and unquoted phone numbers") {
  const std::string text = xs::test::kMappingHeader +
                           "  - phone_number: +12125550101\n    label: no\n"
                           "  - phone_number: '+12125550102'\n    label: 0x1F\n"
                           "  - phone_number: \"+12125550103\"\n    label: !!str 12\n";
  const auto r = xs::load_mapping_sources({{"m.yaml", text}});
  REQUIRE(r.diagnostics.empty());
  REQUIRE(r.desired.numbers.size() == 3);
  CHECK(r.desired.numbers[0].phone_number == "+12125550101");
  CHECK(r.desired.numbers[0].label == "no");
  CHECK(r.desired.numbers[1].label == "0x1F");
  CHECK(r.desired.numbers[2].label == "12");
}

TEST_CASE("an anchor's value is reused by its aliases") {
  const std::string text =
      "version: 1\nagents:\n  a: &id agent_7101k5zvyjhmfg983brhmhkd98n6\n  b: *id\n";
  const auto r = xs::load_mapping_sources({{"m.yaml", text}});
  REQUIRE(r.diagnostics.empty());
  CHECK(r.desired.agents.at("b") == "agent_7101k5zvyjhmfg983brhmhkd98n6");
}

TEST_CASE("a merge key is an ordinary (unknown) key, as with yaml-cpp") {
  CHECK(check("version: 1\nbase: &b {x: 1}\n<<: *b\n") ==
        Lines{"m.yaml:2:1: unknown key 'base'", "m.yaml:3:1: unknown key '<<'"});
}

TEST_CASE("the first document is still read when a stray character follows it") {
  CHECK(check("{\"version\": 2},\n") ==
        Lines{"m.yaml:1:13: unsupported version 2 (expected 1)", "m.yaml:1:15: unexpected ','"});
}

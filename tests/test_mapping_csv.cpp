// batch_calls[].calls_csv: rows become calls, first_message is rendered from columns, and
// problems point at the CSV file's line and column.
#include <catch2/catch.hpp>

#include "mapping/csv.h"
#include "mapping/load.h"
#include "mapping_fixtures.h"
#include "temp_dir.h"

using xs::test::TempDir;

namespace {

const std::string kHead =
    xs::test::kMappingHeader +
    "  - phone_number: \"+12125554567\"\n"
    "    label: Outbound\n"
    "batch_calls:\n"
    "  - name: renewals\n"
    "    agent: support\n"
    "    from: \"+12125554567\"\n"
    "    calls_csv: lists/renewals.csv\n";

std::vector<std::string> diags(const xs::LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(d.str());
  return out;
}

}  // namespace

TEST_CASE("CSV rows become calls with first_message rendered from their columns") {
  TempDir dir;
  const std::string m = dir.write("m/main.yaml", kHead +
                                    "    first_message: \"Hi {name}, about account {account}\"\n");
  dir.write("m/lists/renewals.csv",
            "to,name,account\r\n+12125556543,John,A-1\r\n\"+12125554321\",\"Smith, Maria\",B-2\r\n");
  auto r = xs::load_mapping({m});
  REQUIRE(diags(r).empty());
  REQUIRE(r.desired.batches.size() == 1);
  const auto& calls = r.desired.batches[0].calls;
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].to == "+12125556543");
  CHECK(calls[1].to == "+12125554321");
  REQUIRE(calls[1].override.has_value());
  const xs::Value* agent = calls[1].override->find("agent");
  REQUIRE(agent != nullptr);
  CHECK(agent->find("first_message")->text == "Hi Smith, Maria, about account B-2");
}

TEST_CASE("CSV problems are reported at the CSV file's line and column") {
  TempDir dir;
  const std::string m = dir.write("m/main.yaml", kHead +
                                    "    first_message: \"Hi {nmae}\"\n");
  const std::string csv = dir.write("m/lists/renewals.csv",
                                    "to,name\n+12125556543,John\n555-123-4567,Ann\n+12125550001\n");
  auto r = xs::load_mapping({m});
  CHECK(diags(r) == std::vector<std::string>{
                        m + ":18:20: first_message uses {nmae}, but " + csv +
                            " has no column 'nmae'",
                        csv + ":3:1: invalid phone number '555-123-4567': use E.164 with the "
                              "country code, perhaps '+15551234567'",
                        csv + ":4:1: expected 2 fields, found 1"});
}

TEST_CASE("a CSV without a 'to' column, without rows, or missing is an error") {
  TempDir dir;
  const std::string m = dir.write("m/main.yaml", kHead);
  const std::string csv = dir.write("m/lists/renewals.csv", "phone,name\n+12125556543,John\n");
  CHECK(diags(xs::load_mapping({m})) ==
        std::vector<std::string>{csv + ":1:1: the header row has no 'to' column"});
  dir.write("m/lists/renewals.csv", "to,name\n");
  CHECK(diags(xs::load_mapping({m})) ==
        std::vector<std::string>{csv + ":1:1: no calls in " + csv + " (only a header row)"});
  std::remove(csv.c_str());
  CHECK(diags(xs::load_mapping({m})) ==
        std::vector<std::string>{m + ":17:16: cannot read calls_csv '" + csv + "': no such file"});
}

TEST_CASE("the CSV reader handles quotes, escaped quotes and an unterminated quote") {
  auto r = xs::mapping::parse_csv("a,\"b \"\"c\"\"\",d\n\n1,\"multi\nline\",3\n");
  REQUIRE(r.error.empty());
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0].fields[1].text == "b \"c\"");
  CHECK(r.rows[1].line == 3);
  CHECK(r.rows[1].fields[1].text == "multi\nline");
  CHECK(r.rows[1].fields[2].line == 4);  // after the quoted line break
  CHECK(r.rows[1].fields[2].col == 7);
  auto bad = xs::mapping::parse_csv("to\n\"+1555");
  CHECK(bad.error == "unterminated quoted field");
  CHECK(bad.error_line == 2);
  CHECK(bad.error_col == 1);
}

// calls_csv as spreadsheets write it: a UTF-8 BOM, header names in any case or padded, and
// templates with {{x}}; an empty value a template needs is an error at its CSV line.
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping/message_template.h"
#include "mapping_fixtures.h"
#include "temp_dir.h"

using xs::test::TempDir;
using Lines = std::vector<std::string>;

namespace {

// The batch's first_message is line 18 of main.yaml.
const std::string kHead = xs::test::kMappingHeader +
                          "  - phone_number: \"+12125550100\"\n"
                          "    label: Outbound\n"
                          "batch_calls:\n"
                          "  - name: renewals\n"
                          "    agent: support\n"
                          "    from: \"+12125550100\"\n"
                          "    calls_csv: lists/renewals.csv\n";

Lines diags(const xs::LoadResult& r) {
  Lines out;
  for (const auto& d : r.diagnostics) out.push_back(d.str());
  return out;
}

std::string message_of(const xs::BatchCallTarget& call) {
  REQUIRE(call.override);
  return call.override->find("agent")->find("first_message")->text;
}

}  // namespace

TEST_CASE("a CSV with a BOM and headers in another case or padded is read") {
  TempDir dir;
  const std::string m = dir.write("m/main.yaml", kHead + "    first_message: \"Hi {name}\"\n");
  dir.write("m/lists/renewals.csv", "\xEF\xBB\xBF To , Name\r\n+12125550150,John\r\n");
  auto r = xs::load_mapping({m});
  REQUIRE(diags(r).empty());
  REQUIRE(r.desired.batches.at(0).calls.size() == 1);
  CHECK(r.desired.batches[0].calls[0].to == "+12125550150");
  CHECK(message_of(r.desired.batches[0].calls[0]) == "Hi John");
}

TEST_CASE("{{x}} is the placeholder x, and is named as written when the column is missing") {
  TempDir dir;
  const std::string m =
      dir.write("m/main.yaml", kHead + "    first_message: \"Hi {{name}}, {{x}}!\"\n");
  const std::string csv = dir.write("m/lists/renewals.csv", "to,name\n+12125550150,Ann\n");
  CHECK(diags(xs::load_mapping({m})) ==
        Lines{m + ":18:20: first_message uses {{x}}, but " + csv + " has no column 'x'"});
  dir.write("m/main.yaml", kHead + "    first_message: \"Hi {{name}}, {{ NAME }}!\"\n");
  auto r = xs::load_mapping({m});
  REQUIRE(diags(r).empty());
  CHECK(message_of(r.desired.batches.at(0).calls.at(0)) == "Hi Ann, Ann!");
}

TEST_CASE("an empty value that the template uses is an error at its CSV line") {
  TempDir dir;
  const std::string m = dir.write("m/main.yaml", kHead + "    first_message: \"Hi {name}\"\n");
  const std::string csv =
      dir.write("m/lists/renewals.csv", "to,name,note\n+12125550150,John,\n+12125550151,, \n");
  CHECK(diags(xs::load_mapping({m})) ==
        Lines{csv + ":3:14: empty value in column 'name' (first_message uses {name})"});
}

TEST_CASE("a header naming a column twice is an error") {
  TempDir dir;
  const std::string m = dir.write("m/main.yaml", kHead);
  const std::string csv = dir.write("m/lists/renewals.csv", "to,Name,name \n+12125550150,a,b\n");
  CHECK(diags(xs::load_mapping({m})) == Lines{csv + ":1:9: duplicate column 'name '"});
}

TEST_CASE("templates split into text and placeholders") {
  using xs::mapping::parse_template;
  const auto parts = parse_template("a {x} b {{ Y }} {} {c");
  REQUIRE(parts.size() == 5);
  CHECK(parts[0].text == "a ");
  CHECK(parts[1].text == "{x}");
  CHECK(parts[1].column == "x");
  CHECK(parts[2].text == " b ");
  CHECK(parts[3].text == "{{ Y }}");
  CHECK(parts[3].column == "y");
  CHECK(parts[4].text == " {} {c");
  CHECK(parts[4].column.empty());
}

TEST_CASE("CSV values a template uses are checked like labels") {
  TempDir dir;
  const std::string m = dir.write("m/main.yaml", kHead + "    first_message: \"Hi {name}\"\n");
  const std::string csv =
      dir.write("m/lists/renewals.csv", "to,name\n+12125550150,\"Jo\xE2\x80\xAE\"\n");
  const auto r = xs::load_mapping({m});
  CHECK(r.ok());
  CHECK(diags(r) == Lines{csv + ":2:14: warning: column 'name' contains the bidirectional "
                                "control U+202E (text output shows it escaped)"});
}

// libphonenumber on top of the strict E.164 check: impossible numbers are errors, possible
// but unassigned ones warnings; default_region lets calls_csv hold national formats.
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping/normalize.h"
#include "mapping_fixtures.h"
#include "temp_dir.h"

using xs::test::TempDir;
using Lines = std::vector<std::string>;

namespace {

Lines diags(const xs::LoadResult& r) {
  Lines out;
  for (const auto& d : r.diagnostics) out.push_back(d.str());
  return out;
}

// Numbers from line 11 of m.yaml on.
Lines check(const std::string& numbers) {
  return diags(xs::load_mapping_sources({{"m.yaml", xs::test::kMappingHeader + numbers}}));
}

std::string number(const std::string& phone) {
  return "  - phone_number: \"" + phone + "\"\n    label: L\n";
}

}  // namespace

TEST_CASE("a number impossible for its country is an error") {
  CHECK(check(number("+1212555012") + number("+121255501234") + number("+999123") +
              number("+4420712345")) ==
        Lines{"m.yaml:11:19: impossible phone number +1212555012: too short for US (+1)",
              "m.yaml:13:19: impossible phone number +121255501234: too long for US (+1)",
              "m.yaml:15:19: impossible phone number +999123: no country has this country code",
              "m.yaml:17:19: impossible phone number +4420712345: too short for GB (+44)"});
}

TEST_CASE("a possible number in no assigned range is a warning naming its region") {
  const auto r = xs::load_mapping_sources(
      {{"m.yaml", xs::test::kMappingHeader + number("+12215550123") + number("+15551234567") +
                      number("+442071234567") + number("+12125550100")}});
  CHECK(r.ok());
  CHECK(diags(r) ==
        Lines{"m.yaml:11:19: warning: phone number +12215550123 is not valid in US (+1): no such "
              "area code or range (libphonenumber)",
              "m.yaml:13:19: warning: phone number +15551234567 is not valid in US (+1): no such "
              "area code or range (libphonenumber)"});
  CHECK(r.desired.numbers.size() == 4);
}

TEST_CASE("recipients are checked like numbers") {
  CHECK(check(number("+12125550100") + "batch_calls:\n"
                                       "  - name: renewals\n"
                                       "    agent: support\n"
                                       "    from: \"+12125550100\"\n"
                                       "    calls:\n"
                                       "      - to: \"+12215550123\"\n"
                                       "      - to: \"+1212555012\"\n") ==
        Lines{"m.yaml:18:13: warning: phone number +12215550123 is not valid in US (+1): no such "
              "area code or range (libphonenumber)",
              "m.yaml:19:13: impossible phone number +1212555012: too short for US (+1)"});
}

TEST_CASE("default_region lets calls_csv hold national numbers, converted to E.164") {
  TempDir dir;
  const std::string head = xs::test::kMappingHeader + number("+12125550100") +
                           "default_region: us\n"
                           "batch_calls:\n"
                           "  - name: us\n"
                           "    agent: support\n"
                           "    from: \"+12125550100\"\n"
                           "    calls_csv: us.csv\n"
                           "  - name: uk\n"
                           "    agent: support\n"
                           "    from: \"+12125550100\"\n"
                           "    default_region: GB\n"
                           "    calls_csv: uk.csv\n";
  const std::string m = dir.write("m/main.yaml", head);
  dir.write("m/us.csv", "to\n(212) 555-0123\n+1 212 555 0124\n+12125550125\n");
  dir.write("m/uk.csv", "to\n020 7123 4567\n");
  auto r = xs::load_mapping({m});
  REQUIRE(diags(r).empty());
  REQUIRE(r.desired.batches.size() == 2);
  const auto& uk = r.desired.batches[0];
  const auto& us = r.desired.batches[1];
  REQUIRE(us.calls.size() == 3);
  CHECK(us.calls[0].to == "+12125550123");
  CHECK(us.calls[1].to == "+12125550124");
  CHECK(us.calls[2].to == "+12125550125");
  REQUIRE(uk.calls.size() == 1);
  CHECK(uk.calls[0].to == "+442071234567");

  const std::string csv = dir.write("m/us.csv", "name,to\nA,(212) 555-012\nB,call me\n");
  CHECK(diags(xs::load_mapping({m})) ==
        Lines{csv + ":2:3: impossible phone number +1212555012: too short for US (+1)",
              csv + ":3:3: invalid phone number 'call me' for region US: not a phone number"});
}

TEST_CASE("default_region must be a region libphonenumber knows") {
  CHECK(check(number("+12125550100") + "default_region: XX\n") ==
        Lines{"m.yaml:13:17: unknown region 'XX' for 'default_region' (expected a two-letter "
              "region code such as 'US')"});
}

TEST_CASE("many numbers are checked together, and report in the order of the files") {
  // Enough numbers for the checks to run on several threads; every 997th is invalid and every
  // 1009th impossible, in two files given in the order b.yaml, a.yaml.
  auto file = [](int base) {
    std::string text = xs::test::kMappingHeader;
    Lines expected;
    for (int i = 0; i < 6000; ++i) {
      std::string phone = "+1212" + std::to_string(2000000 + base + i);
      if (i % 997 == 0) phone = "+1666" + std::to_string(2000000 + base + i);
      if (i % 1009 == 5) phone.pop_back();
      text += number(phone);
      const std::string at = ":" + std::to_string(11 + 2 * i) + ":19: ";
      if (i % 1009 == 5) {
        expected.push_back(at + "impossible phone number " + phone + ": too short for US (+1)");
      } else if (i % 997 == 0) {
        expected.push_back(at + "warning: phone number " + phone +
                           " is not valid in US (+1): no such area code or range (libphonenumber)");
      }
    }
    return std::make_pair(text, expected);
  };
  const auto [b, b_expected] = file(0);
  const auto [a, a_expected] = file(500000);
  Lines expected;
  for (const auto& e : b_expected) expected.push_back("b.yaml" + e);
  for (const auto& e : a_expected) expected.push_back("a.yaml" + e);
  REQUIRE(expected.size() == 26);  // 7 invalid and 6 impossible numbers a file
  CHECK(diags(xs::load_mapping_sources({{"b.yaml", b}, {"a.yaml", a}})) == expected);
}

TEST_CASE("a mapping is read before its numbers are checked, and finish() gives what they found") {
  // apply takes the mapping as read to ask for its lists, then waits for the checks: the
  // same mapping and diagnostics as load_mapping, from files on disk, the impossible number
  // among enough others for the checks to run on threads.
  TempDir dir;
  std::string text = xs::test::kMappingHeader;
  for (int i = 0; i < 3000; ++i)
    text += number(i == 2500 ? "+1212200250" : "+1212" + std::to_string(2000000 + i));
  dir.write("m.yaml", text);
  const std::vector<std::string> paths = {dir / "m.yaml"};
  const Lines expected = {dir / "m.yaml" + ":5011:19: impossible phone number +1212200250: too short for US (+1)"};
  REQUIRE(diags(xs::load_mapping(paths)) == expected);

  xs::MappingLoad load(paths);
  CHECK(load.read_ok());  // nothing wrong is known before the checks
  const xs::Desired desired = std::move(load.desired());
  CHECK(desired.numbers.size() == 3000);
  CHECK(desired.numbers[2500].phone_number == "+1212200250");
  Lines found;
  for (const auto& d : load.finish()) found.push_back(d.str());
  CHECK(found == expected);
}

TEST_CASE("a mapping whose files have errors says so before the numbers are checked") {
  TempDir dir;
  dir.write("m.yaml", xs::test::kMappingHeader + number("+12122000001") + "  - label: no number\n");
  xs::MappingLoad load(std::vector<std::string>{dir / "m.yaml", dir / "missing.yaml"});
  CHECK_FALSE(load.read_ok());
  const Lines found = [&] {
    Lines out;
    for (const auto& d : load.finish()) out.push_back(d.str());
    return out;
  }();
  REQUIRE(found.size() == 2);
  CHECK(found[1] == dir / "missing.yaml" + ": no such file or directory");
}

TEST_CASE("numbers valid as written, and with a trunk prefix written after the calling code") {
  // Valid as written (London, Rome with its leading zero, a New Jersey line, a +800 number):
  // judged without libphonenumber's parser. With the trunk prefix written in (+44 0..., +1 1...),
  // its parser strips it, as before.
  CHECK(check(number("+442079460123") + number("+390612345678") + number("+12015550123") +
              number("+80012345678") + number("+4402079460123") + number("+112015550123"))
            .empty());
  CHECK(check(number("+8008001234")) ==
        Lines{"m.yaml:11:19: impossible phone number +8008001234: too short for 001 (+800)"});
}

TEST_CASE("a number as a server writes it is read as E.164, or not at all") {
  std::string why;
  CHECK(xs::mapping::normalize_e164("+12125550101", why) == std::optional<std::string>("+12125550101"));
  CHECK(xs::mapping::normalize_e164("+1 212-555-0101", why) == std::optional<std::string>("+12125550101"));
  CHECK(xs::mapping::normalize_e164("+44 20 7946 0958", why) == std::optional<std::string>("+442079460958"));
  CHECK(xs::mapping::normalize_e164("tel:+1-212-555-0101", why) == std::optional<std::string>("+12125550101"));
  for (const char* bad : {"2125550101", "not a number", "+", ""}) {
    why.clear();
    CHECK_FALSE(xs::mapping::normalize_e164(bad, why).has_value());
    CHECK_FALSE(why.empty());
  }
  CHECK_FALSE(xs::mapping::normalize_e164(std::string(100000, '1'), why).has_value());
}

// Campaign windows as written: not_before/not_after, calling_hours, per-call time zones, and
// windows that could never open.
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping_fixtures.h"
#include "temp_dir.h"

using xs::test::TempDir;
using Lines = std::vector<std::string>;

using xs::test::batch;
using xs::test::diags;

namespace {

xs::LoadResult load(const std::string& text) {
  return xs::load_mapping_sources({{"m.yaml", text}});
}

std::int64_t epoch(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

TEST_CASE("a campaign's window and its calls' time zones are read") {
  const auto r =
      load(batch("    not_before: \"2026-11-30T09:00:00-05:00\"\n"
                 "    not_after: 2026-12-01T00:00:00Z\n"
                 "    calling_hours: {from: \"20:00\", to: \"08:30\", timezone: America/New_York,\n"
                 "                    days: [mon, Fri, sun]}\n",
                 "    calls:\n"
                 "      - to: \"+12125550150\"\n"
                 "      - to: \"+12125550151\"\n"
                 "        timezone: America/Los_Angeles\n"));
  REQUIRE(diags(r).empty());
  const auto& w = r.desired.batches.at(0).window;
  REQUIRE(w.not_before);
  CHECK(epoch(*w.not_before) == 1796047200);  // 2026-11-30T14:00:00Z
  REQUIRE(w.not_after);
  CHECK(epoch(*w.not_after) == 1796083200);
  REQUIRE(w.hours);
  CHECK(w.hours->from_minute == 20 * 60);
  CHECK(w.hours->to_minute == 8 * 60 + 30);
  CHECK(w.hours->timezone == "America/New_York");
  CHECK(w.hours->days == (1u | 1u << 4 | 1u << 6));
  const auto& calls = r.desired.batches[0].calls;
  CHECK(calls.at(0).timezone.empty());
  CHECK(calls.at(1).timezone == "America/Los_Angeles");
}

TEST_CASE("a campaign without window keys has no window") {
  const auto r = load(batch(""));
  REQUIRE(diags(r).empty());
  CHECK_FALSE(r.desired.batches.at(0).window.any());
  CHECK(r.desired.batches[0].window.hours == std::nullopt);
}

TEST_CASE("windows that could never open, and unknown zones, are errors at their place") {
  CHECK(diags(load(batch("    not_before: \"2026-11-30T09:00:00-05:00\"\n"
                         "    not_after: \"2026-11-30T13:59:59Z\"\n"
                         "    calling_hours:\n"
                         "      from: \"09:00\"\n"
                         "      to: \"09:00\"\n"
                         "      timezone: America/New_Yrok\n"
                         "      days: []\n",
                         "    calls:\n"
                         "      - to: \"+12125550150\"\n"
                         "        timezone: Mars/Olympus\n"))) ==
        Lines{"m.yaml:18:16: 'not_after' is not after 'not_before' (m.yaml:17:17): the campaign "
              "could never be sent",
              "m.yaml:21:11: 'from' and 'to' are both 09:00: the calling hours would never open",
              "m.yaml:22:17: unknown time zone 'America/New_Yrok' (did you mean "
              "'America/New_York'?)",
              "m.yaml:23:13: empty 'days': the calling hours would never open",
              "m.yaml:26:19: unknown time zone 'Mars/Olympus' (expected an IANA name such as "
              "'America/New_York')"});
}

TEST_CASE("times, clocks and days must be written as documented") {
  CHECK(diags(load(batch("    not_before: \"2026-11-30T09:00:00\"\n"
                         "    not_after: tomorrow\n"
                         "    calling_hours: {from: \"9am\", to: \"24:00\", timezone: UTC, "
                         "days: [monday]}\n"))) ==
        Lines{"m.yaml:17:17: invalid time '2026-11-30T09:00:00' for 'not_before': expected RFC "
              "3339 with an offset, like '2026-11-30T09:00:00-05:00'",
              "m.yaml:18:16: invalid time 'tomorrow' for 'not_after': expected RFC 3339 with an "
              "offset, like '2026-11-30T09:00:00-05:00'",
              "m.yaml:19:27: invalid time '9am' for 'from': expected HH:MM on a 24-hour clock, "
              "like '09:00'",
              "m.yaml:19:38: invalid time '24:00' for 'to': expected HH:MM on a 24-hour clock, "
              "like '09:00'",
              "m.yaml:19:69: unknown day 'monday' (expected mon, tue, wed, thu, fri, sat or sun)"});
  CHECK(diags(load(batch("    calling_hours: {from: \"09:00\"}\n"))) ==
        Lines{"m.yaml:17:5: missing required key 'to'",
              "m.yaml:17:5: missing required key 'timezone'"});
}

TEST_CASE("a timezone column in calls_csv sets each call's zone") {
  TempDir dir;
  const std::string m = dir.write(
      "m/main.yaml",
      batch("    calling_hours: {from: \"09:00\", to: \"20:00\", timezone: America/New_York}\n",
            "    calls_csv: calls.csv\n"));
  const std::string csv = dir.write("m/calls.csv",
                                    "to,Timezone\n+12125550150,Europe/Paris\n+12125550151,\n"
                                    "+12125550152,Europe/Pariss\n");
  CHECK(diags(xs::load_mapping({m})) ==
        Lines{csv + ":4:14: unknown time zone 'Europe/Pariss' (did you mean 'Europe/Paris'?)"});
  dir.write("m/calls.csv", "to,Timezone\n+12125550150,Europe/Paris\n+12125550151,\n");
  const auto r = xs::load_mapping({m});
  REQUIRE(diags(r).empty());
  const auto& calls = r.desired.batches.at(0).calls;
  CHECK(calls.at(0).timezone == "Europe/Paris");
  CHECK(calls.at(1).timezone.empty());
}

// Did-you-mean stays cheap: values too long to be a typo cost no distance, and the work of
// one search is bounded (issue 20). Timing is in scripts/bench.sh, not here.
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping/suggest.h"
#include "mapping_fixtures.h"

using Lines = std::vector<std::string>;

using xs::test::batch;
using xs::test::diags;

namespace {

}  // namespace

TEST_CASE("did-you-mean skips by length: a 100 KB value costs no distance at all") {
  const std::vector<std::string> zones = {"America/New_York", "Europe/London", "Asia/Tokyo"};
  const std::string huge = "America/New_York" + std::string(100 * 1024, 'x');
  xs::mapping::SuggestWork work;
  CHECK(xs::mapping::closest_match(huge, zones, &work).empty());
  CHECK(work.distances == 0);
  CHECK(work.cells == 0);
  // a near miss is still found, computing distances only for candidates of a close length
  CHECK(xs::mapping::closest_match("America/New_Yrok", zones, &work) == "America/New_York");
  CHECK(work.distances == 1);
  CHECK(work.cells == 17 * 17);
}

TEST_CASE("did-you-mean bounds its work whatever the candidates") {
  std::vector<std::string> many;
  for (int i = 0; i < 20000; ++i)
    many.push_back("candidate_" + std::to_string(100000 + i) + std::string(40, 'y'));
  xs::mapping::SuggestWork work;
  xs::mapping::closest_match("something_else_entirely" + std::string(33, 'z'), many, &work);
  CHECK(work.cells <= xs::mapping::kMaxSuggestCells);
  CHECK(work.distances < many.size());
}

TEST_CASE("a 100 KB time zone gets no suggestion and is quoted short") {
  const std::string zone = "America/New_York" + std::string(100 * 1024, 'x');
  const std::string hours = "    calling_hours: {from: \"09:00\", to: \"17:00\", timezone: ";
  const auto r = xs::load_mapping_sources({{"m.yaml", batch(hours + zone + "}\n")}});
  const Lines d = diags(r);
  REQUIRE(d.size() == 1);
  CHECK(d[0] == "m.yaml:17:" + std::to_string(hours.size() + 1) + ": unknown time zone '" +
                    zone.substr(0, 40) + "...' (expected an IANA name such as 'America/New_York')");
}

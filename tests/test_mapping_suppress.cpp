// suppress: files of numbers never to call, read beside the mapping, merged into one sorted
// set with a digest.
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping_fixtures.h"
#include "temp_dir.h"

using xs::test::TempDir;
using Lines = std::vector<std::string>;

namespace {

// 'suppress' starts on line 13 of main.yaml.
const std::string kHead = xs::test::kMappingHeader +
                          "  - phone_number: \"+12125550100\"\n"
                          "    label: Outbound\n";

Lines diags(const xs::LoadResult& r) {
  Lines out;
  for (const auto& d : r.diagnostics) out.push_back(d.str());
  return out;
}

}  // namespace

TEST_CASE("suppression files are merged into one sorted set with a digest") {
  TempDir dir;
  const std::string m = dir.write("m/main.yaml", kHead +
                                                     "default_region: US\n"
                                                     "suppress:\n"
                                                     "  - dnc/list.csv\n"
                                                     "  - dnc/plain.txt\n");
  dir.write("m/dnc/list.csv",
            "\xEF\xBB\xBFName, Phone_Number \nAnn,+12125550151\nBob,\n\"Cy, Jr\",(212) 555-0150\n");
  dir.write("m/dnc/plain.txt", "# added by hand\n+12125550152\n\n+12125550151\n");
  auto r = xs::load_mapping({m});
  REQUIRE(diags(r).empty());
  CHECK(r.desired.suppressed == Lines{"+12125550150", "+12125550151", "+12125550152"});
  CHECK(r.desired.suppress_files == Lines{dir / "m/dnc/list.csv", dir / "m/dnc/plain.txt"});
  const std::string digest = r.desired.suppressed_digest;
  CHECK(digest.size() == 64);

  dir.write("m/dnc/plain.txt", "+12125550152\n+12125550153\n");
  auto changed = xs::load_mapping({m});
  REQUIRE(diags(changed).empty());
  CHECK(changed.desired.suppressed.size() == 4);
  CHECK(changed.desired.suppressed_digest != digest);
}

TEST_CASE("without 'suppress' nothing is suppressed and there is no digest") {
  const auto r = xs::load_mapping_sources({{"m.yaml", kHead}});
  REQUIRE(r.ok());
  CHECK(r.desired.suppressed.empty());
  CHECK(r.desired.suppressed_digest.empty());
}

TEST_CASE("an unreadable suppression file is an error at its entry, bad numbers at their line") {
  TempDir dir;
  const std::string m = dir.write("m/main.yaml", kHead +
                                                     "suppress:\n"
                                                     "  - missing.csv\n"
                                                     "  - bad.txt\n"
                                                     "  - [x]\n");
  const std::string bad = dir.write("m/bad.txt", "+12125550150\n555-0199\n+1212,555\n");
  CHECK(diags(xs::load_mapping({m})) ==
        Lines{m + ":14:5: cannot read suppression file '" + (dir / "m/missing.csv") +
                  "': no such file",
              m + ":16:5: expected a file name for each entry of 'suppress'",
              bad + ":2:1: invalid phone number '555-0199': use E.164, like '+15551234567'",
              bad + ":3:1: expected one phone number per line (or a CSV with a 'phone_number' "
                    "column)"});
}

// YAML aliases may not expand a mapping beyond a byte budget (issue 20).
#include <catch2/catch.hpp>

#include "mapping/load.h"
#include "mapping_fixtures.h"

using Lines = std::vector<std::string>;

using xs::test::batch;
using xs::test::diags;

namespace {

}  // namespace

TEST_CASE("an alias that would expand the mapping beyond its budget is refused at the alias") {
  // A 64 KiB scalar under an anchor, referenced 10,000 times (640 MB once expanded, from a
  // file of about 800 KB): the limit is 4 times the file's size, at least 16 MiB.
  std::string text = batch("",
                           "    calls:\n"
                           "      - to: \"+12125550150\"\n"
                           "        conversation_config_override:\n"
                           "          agent: {first_message: &big \"" +
                               std::string(64 * 1024, 'x') + "\"}\n");
  for (int i = 0; i < 10000; ++i) {
    text += "      - to: \"+1212555" + std::to_string(1000 + i % 9000) + "\"\n";
    text += "        conversation_config_override: {agent: {first_message: *big}}\n";
  }
  const auto r = xs::load_mapping_sources({{"bomb.yaml", text}});
  const Lines d = diags(r);
  REQUIRE(d.size() == 1);
  // refused at the alias that passes 16 MiB, some 250 calls in (line 22 + 2 per call)
  CHECK_THAT(d[0], Catch::Matches("bomb\\.yaml:(5[0-3][0-9]|4[6-9][0-9]):63: alias '\\*big' "
                                  "\\(of the anchor '&big' at line 20\\) makes the mapping "
                                  "hold more than 16 MiB once aliases are expanded \\(the limit "
                                  "is 4 times the file's size, at least 16 MiB\\): refused as "
                                  "an alias bomb"));
}

TEST_CASE("a mapping with a few ordinary aliases still loads") {
  const std::string text = batch("",
                                 "    calls:\n"
                                 "      - to: \"+12125550150\"\n"
                                 "        conversation_config_override: &greeting\n"
                                 "          agent: {first_message: &hi \"Hello from renewals\"}\n"
                                 "      - to: \"+12125550151\"\n"
                                 "        conversation_config_override: *greeting\n"
                                 "      - to: \"+12125550152\"\n"
                                 "        first_message: *hi\n");
  const auto r = xs::load_mapping_sources({{"m.yaml", text}});
  CHECK(diags(r) == Lines{});
  REQUIRE(r.desired.batches.size() == 1);
  CHECK(r.desired.batches[0].calls.size() == 3);
}

// Inputs found by scripts/fuzz.sh (libFuzzer over load_mapping_sources), kept as regressions.
#include <catch2/catch.hpp>

#include <string>

#include "mapping/load.h"

using xs::load_mapping_sources;
using xs::MappingSource;

namespace {

bool has_diagnostic_at(const xs::LoadResult& r, const std::string& prefix) {
  for (const auto& d : r.diagnostics)
    if (d.str().rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

// timeout-9cd2a7ce9c5e729b98603644ae2146757bfc0fed (2026-11-21): the fuzzer's input holds a NUL,
// so it is two files; the second starts with ",'". yaml-cpp 0.7's LoadAll looped allocating
// forever on a stray ',' (yaml-cpp#1040): 1.9 GB and a libFuzzer timeout. Fixed in 1719e4b.
TEST_CASE("fuzz: a file starting with a stray ',' ends with an error, not an endless loop") {
  const std::string first =
    "# Example xuna-sync mapping: the phone numbers XUNA AI should have, under whibclh eal,"
    "\n"
    "# answered by which agent. Copy it, edit it, commit it; then\n"
    "#   xuna-sync validate    checks it offline4\n"
    "#   xuna-sync plan-       shows what would change,\n"
    "#   xuna-sync apply       makes it so (running it again changes nothing).\n"
    "#\n"
    "# Every *.ya\x12";
  const std::string second =
    ",'*.yml and *.json file in ./ampaign is dialled once, however often apply runs.\n"
    "batchUcalls:\n"
    "  - nam\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd"
    "\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd"
    "\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd"
    "\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd\xfd" "e: renewals-2026-11\n"
    "    agent: sales\n"
    "    from: \"+12125554568\"            # a mapped number (imported first if need be)\n"
    "    calls:\n"
    "      - to: \"+12125556543\"\n"
    "        first_message: \"Hi, this is a follow-up call for John.\"\n"
    "      - to: \"+12125554321\"\n"
    "        conversatio[n_config_overrkde: {agent: {first_message: \"Hi Maria.\"}}\n";
  const auto r = load_mapping_sources({{"a.yaml", first}, {"b.yaml", second}});
  CHECK_FALSE(r.ok());
  CHECK(has_diagnostic_at(r, "b.yaml:1:1: "));
  CHECK(has_diagnostic_at(r, "a.yaml"));
}

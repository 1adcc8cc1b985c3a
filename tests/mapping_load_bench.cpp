// mapping_load_bench N [N...]: loads a generated mapping of N numbers (the shape of
// scripts/bench.sh's plan fixture) and prints its load time and the process's peak RSS.
// A measurement for scripts/bench.sh, not a test: nothing is asserted.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "mapping/load.h"

namespace {

std::string generate(long n) {
  std::string text =
      "version: 1\n"
      "twilio_accounts:\n"
      "  main:\n"
      "    account_sid: AC0123456789abcdef0123456789abcdef\n"
      "    auth_token_env: TWILIO_MAIN_AUTH_TOKEN\n"
      "agents:\n"
      "  support: agent_7101k5zvyjhmfg983brhmhkd98n6\n"
      "  sales: agent_2202k5zvyjhmfg983brhmhkd98n7\n"
      "defaults:\n"
      "  twilio_account: main\n"
      "numbers:\n";
  text.reserve(text.size() + static_cast<size_t>(n) * 80);
  for (long i = 0; i < n; ++i) {
    text += "  - phone_number: \"+1555" + std::to_string(1000000 + i) + "\"\n";
    text += "    label: Line " + std::to_string(i) + "\n";
    text += i % 2 ? "    agent: support\n" : "    agent: sales\n";
  }
  return text;
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: mapping_load_bench N [N...]\n");
    return 2;
  }
  for (int a = 1; a < argc; ++a) {
    const long n = std::strtol(argv[a], nullptr, 10);
    if (n <= 0 || n > 10'000'000) {
      std::fprintf(stderr, "mapping_load_bench: N must be 1..10000000, not '%s'\n", argv[a]);
      return 2;
    }
    xs::MappingSource source{"bench.yaml", generate(n)};
    const long rss_before = peak_rss_kib();
    const auto start = std::chrono::steady_clock::now();
    const xs::LoadResult r = xs::load_mapping_sources({source});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf(
        "numbers %ld  load %.3f s  peak RSS %.1f MiB (text %.1f MiB, before load %.1f MiB)"
        "  diagnostics %zu  loaded %zu\n",
        n, took.count(), peak_rss_kib() / 1024.0, source.text.size() / 1048576.0,
        rss_before / 1024.0, r.diagnostics.size(), r.desired.numbers.size());
  }
  return 0;
}

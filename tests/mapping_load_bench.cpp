// mapping_load_bench N: writes a generated mapping of N numbers (the shape of scripts/bench.sh's
// plan fixture) to a temporary file, loads it with load_mapping (read, parse, resolve) and
// prints the load time and the process's peak RSS. Run once per N: peak RSS is per process.
// A measurement for scripts/bench.sh, not a test: nothing is asserted.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
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

// User plus system CPU seconds so far: steadier than wall time on a busy machine.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc == 2 ? std::strtol(argv[1], nullptr, 10) : 0;
  if (n <= 0 || n > 10'000'000) {
    std::fprintf(stderr, "usage: mapping_load_bench N   (1 <= N <= 10000000 numbers)\n");
    return 2;
  }
  char path[] = "/tmp/mapping_load_bench.XXXXXX.yaml";
  const int fd = mkstemps(path, 5);
  if (fd < 0) {
    std::perror("mapping_load_bench: mkstemps");
    return 1;
  }
  close(fd);
  size_t bytes = 0;
  {
    const std::string text = generate(n);
    bytes = text.size();
    std::ofstream(path, std::ios::binary) << text;
  }
  const long rss_before = peak_rss_kib();
  const double cpu_start = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const xs::LoadResult r = xs::load_mapping({path});
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  const double cpu = cpu_seconds() - cpu_start;
  std::remove(path);
  std::printf(
      "numbers %ld  load %.3f s (cpu %.3f s)  peak RSS %.1f MiB  (file %.1f MiB, peak RSS before "
      "%.1f MiB)"
      "  diagnostics %zu  loaded %zu\n",
      n, took.count(), cpu, peak_rss_kib() / 1024.0, bytes / 1048576.0, rss_before / 1024.0,
      r.diagnostics.size(), r.desired.numbers.size());
  return r.ok() ? 0 : 1;
}

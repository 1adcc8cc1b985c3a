#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "util/clock.h"
#include "util/log.h"

namespace xs::cli {

Progress make_progress(bool quiet) {
  if (quiet) return {[](std::size_t, std::size_t, std::size_t) {}, [] {}};
  struct State {
    double start, last = 0;
    bool tty, drawn = false;
  };
  auto s = std::make_shared<State>();
  s->start = system_clock().monotonic();
  s->tty = isatty(2);
  Progress p;
  p.update = [s](std::size_t done, std::size_t total, std::size_t failed) {
    const double now = system_clock().monotonic();
    const double interval = s->tty ? 0.2 : 10;
    if (now - s->last < interval && done != total) return;
    if (done == total && !s->drawn) return;  // a short apply needs no progress
    if (now - s->start < interval && done != total) return;
    s->last = now;
    const double elapsed = now - s->start;
    const double rate = elapsed > 0 ? done / elapsed : 0;
    const double eta = rate > 0 ? (total - done) / rate : 0;
    char line[160];
    std::snprintf(line, sizeof line, "applying: %zu/%zu done, %zu not ok, %.0f/s, ETA %.0f s",
                  done, total, failed, rate, eta);
    if (s->tty) {
      std::fprintf(stderr, "\r\x1b[K%s", line);
      std::fflush(stderr);
      s->drawn = true;
    } else {
      log_info(line);
    }
  };
  p.finish = [s] {
    if (s->tty && s->drawn) std::fprintf(stderr, "\r\x1b[K");
  };
  return p;
}

}  // namespace xs::cli

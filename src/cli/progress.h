#pragma once
// Progress of a long apply on stderr: a live line on a terminal, a plain line every 10 s
// otherwise (cron logs), nothing with --quiet.
#include <cstddef>
#include <functional>

namespace xs::cli {

// A progress callback for ApplyOptions; `finish` ends the live line.
struct Progress {
  std::function<void(std::size_t done, std::size_t total, std::size_t failed)> update;
  std::function<void()> finish;
};

Progress make_progress(bool quiet);

}  // namespace xs::cli

#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace xs {

void run_parallel(std::size_t count, std::size_t max_concurrency,
                  const std::function<void(std::size_t)>& work) {
  const std::size_t workers = std::min(count, std::max<std::size_t>(1, max_concurrency));
  if (workers <= 1) {
    for (std::size_t i = 0; i < count; ++i) work(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto loop = [&] {
    for (std::size_t i = next++; i < count; i = next++) work(i);
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(loop);
  loop();
  for (auto& t : threads) t.join();
}

}  // namespace xs

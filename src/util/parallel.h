#pragma once
// Bounded concurrency as one small utility (cf. vcpkg's execute_in_parallel).
#include <cstddef>
#include <functional>
#include <future>
#include <system_error>

namespace xs {

// Calls work(i) for every i in [0, count) on at most max_concurrency threads at once and
// returns when all are done. work must not throw (catch inside); max_concurrency >= 1.
void run_parallel(std::size_t count, std::size_t max_concurrency,
                  const std::function<void(std::size_t)>& work);

// f() on a thread of its own, or, when no thread can be had, when its result is asked for.
// The future of the thread waits for it when destroyed, as std::async's does.
template <class F>
auto beside(F f) -> std::future<decltype(f())> {
  try {
    return std::async(std::launch::async, f);
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, std::move(f));
  }
}

}  // namespace xs

#pragma once
// Bounded concurrency as one small utility (cf. vcpkg's execute_in_parallel).
#include <cstddef>
#include <functional>

namespace xs {

// Calls work(i) for every i in [0, count) on at most max_concurrency threads at once and
// returns when all are done. work must not throw (catch inside); max_concurrency >= 1.
void run_parallel(std::size_t count, std::size_t max_concurrency,
                  const std::function<void(std::size_t)>& work);

}  // namespace xs

#include "util/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace xs {

namespace {
std::atomic<bool> kept{false};
}  // namespace

void keep_memory_for_reuse() {
#if defined(M_MMAP_THRESHOLD) && !defined(__SANITIZE_ADDRESS__)
  kept = true;
  mallopt(M_ARENA_MAX, 1);  // threads started from now on share the main heap, and its warm pages
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest: a block under it comes from the heap
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

void warm_heap(std::size_t bytes) {
  if (bytes == 0 || !kept) return;
  const long size = sysconf(_SC_PAGESIZE);
  const std::size_t page = size > 0 ? static_cast<std::size_t>(size) : 4096;
  auto* block = static_cast<volatile char*>(std::malloc(bytes));
  if (!block) return;  // a hint, nothing more
  for (std::size_t i = 0; i < bytes; i += page) block[i] = 0;
  std::free(const_cast<char*>(block));
}

}  // namespace xs

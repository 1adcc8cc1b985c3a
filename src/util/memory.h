#pragma once
// How the process uses memory. On a virtual machine a page touched for the first time can be
// dear: about 11 us on the 2-core VM the bench ran on until December 2026, ~2 us since (the
// hypervisor serves the fault; only a write from this process makes the page cheap, not
// MADV_POPULATE_WRITE; scripts/bench.sh prints the figure), so a 1,000-number apply spent
// ~75 ms of CPU on ~7,000 first touches, ~13 ms of them on the main thread between the lists
// and the first request (issue 23). A page given back to malloc and taken again
// costs nothing more; these keep pages for reuse.
#include <cstddef>

namespace xs {

// Large blocks come from the heap instead of fresh mappings, freed memory stays in the heap,
// and threads started from now on share one heap (the main thread's), so that the next
// allocations, on any thread, reuse pages already touched (the Twilio reader's 1.3 MB page
// among them). The price: a process keeps what it freed (validate of 100,000 numbers: 129 ->
// 137 MB peak), and threads contend for one heap (libphonenumber's on 100,000 numbers: +0.1 s
// of ~0.7 s); so apply asks for it, where that is nothing against its minutes of requests, and
// plan and validate do not. Before the threads it concerns start.
void keep_memory_for_reuse();

// Touches `bytes` of the calling thread's heap and gives them back, to stay in its heap: done
// while the thread would only wait, its next allocations find their pages ready. Nothing
// before keep_memory_for_reuse, when freed memory would go back to the system.
void warm_heap(std::size_t bytes);

}  // namespace xs

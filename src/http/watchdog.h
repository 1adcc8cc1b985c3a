#pragma once
// A receive timeout bounds one read; a server dripping its answer a byte at a time passes
// every one of them. The watchdog shuts down the socket of a request that passed its deadline
// so the blocked read returns at once. POSIX only, no Poco.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace xs {

class Watchdog {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  Watchdog() = default;
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog();

  // Watches socket fd (a duplicate of it: a closed and reused number is never touched) until
  // the deadline, under the given ticket, replacing what that ticket watched before.
  void watch(int ticket, int fd, Deadline deadline);
  // Stops watching the ticket's socket; true if its deadline passed and it was shut down.
  bool release(int ticket);
  // A ticket no other caller holds.
  int ticket();

 private:
  struct Entry {
    int fd = -1;  // our duplicate
    Deadline deadline;
    bool fired = false;
  };
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int, Entry> entries_;
  int next_ticket_ = 0;
  bool stop_ = false;
  // When the thread will look again (max: not until woken): a watch whose deadline comes
  // after it need not wake it, which spares a context switch per request (issue 23).
  Deadline sleeping_until_ = Deadline::min();
  std::thread thread_;  // started by the first watch
};

}  // namespace xs

#include "http/watchdog.h"

#include <sys/socket.h>
#include <unistd.h>

namespace xs {

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& [ticket, entry] : entries_)
    if (entry.fd >= 0) ::close(entry.fd);
}

int Watchdog::ticket() {
  std::lock_guard<std::mutex> lock(mutex_);
  return next_ticket_++;
}

void Watchdog::watch(int ticket, int fd, Deadline deadline) {
  const int copy = fd >= 0 ? ::dup(fd) : -1;
  int old = -1;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& e = entries_[ticket];
    old = e.fd;
    e = Entry{copy, deadline, false};
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    wake = deadline < sleeping_until_;  // else it looks again before this deadline anyway
  }
  if (old >= 0) ::close(old);
  if (wake) wake_.notify_all();
}

bool Watchdog::release(int ticket) {
  Entry e;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(ticket);
    if (it == entries_.end()) return false;
    e = it->second;
    entries_.erase(it);
  }
  if (e.fd >= 0) ::close(e.fd);
  return e.fired;
}

void Watchdog::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    Deadline next = Deadline::max();
    const auto now = std::chrono::steady_clock::now();
    for (auto& [ticket, e] : entries_) {
      if (e.fired) continue;
      if (e.deadline <= now) {
        if (e.fd >= 0) ::shutdown(e.fd, SHUT_RDWR);  // the blocked read returns
        e.fired = true;
      } else if (e.deadline < next) {
        next = e.deadline;
      }
    }
    sleeping_until_ = next;
    if (next == Deadline::max()) {
      wake_.wait(lock);
    } else {
      wake_.wait_until(lock, next);
    }
    sleeping_until_ = Deadline::min();  // awake: a watch from now on is seen by this pass
  }
}

}  // namespace xs

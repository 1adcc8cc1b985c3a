#include "cli/signals.h"

#include <signal.h>
#include <unistd.h>

namespace xs::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  if (g_stop.exchange(true)) _exit(128 + sig);  // the second signal: at once
  g_signal.store(sig);
  static const char kNote[] =
      "\nxuna-sync: stopping: no new requests; waiting for those in flight (again to quit now)\n";
  (void)!::write(2, kNote, sizeof kNote - 1);
}

}  // namespace

const std::atomic<bool>* stop_on_signals() {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    struct sigaction hup {};
    if (::sigaction(SIGHUP, nullptr, &hup) == 0 && hup.sa_handler != SIG_IGN)
      ::sigaction(SIGHUP, &sa, nullptr);
    return true;
  }();
  (void)installed;
  return &g_stop;
}

int signal_exit_code() {
  const int sig = g_signal.load();
  return sig ? 128 + sig : 0;
}

}  // namespace xs::cli

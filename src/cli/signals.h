#pragma once
// SIGINT, SIGTERM and SIGHUP (a closed terminal or SSH session) during apply and rollback: the
// first stops sending new requests (those in flight finish, their outcomes are journaled, the
// run is marked interrupted, the lock is released, exit 130, 143 or 129); a second one ends
// the process at once. A SIGHUP ignored when the process started (nohup) stays ignored.
#include <atomic>

namespace xs::cli {

// Installs the handlers (once) and gives the flag the first signal sets.
const std::atomic<bool>* stop_on_signals();

// 128 + the signal that set the flag (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP), or 0.
int signal_exit_code();

}  // namespace xs::cli

#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "state/store.h"
#include "sync/lock.h"

namespace xs::cli {
namespace {

int unlock(const Options& options, state::Store& store) {
  if (!options.force)
    throw UsageError("'state unlock' removes the lock whoever holds it: add --force");
  auto holder = store.lock_holder(0);
  if (!holder) {
    std::cout << "The state file was not locked.\n";
    return kOk;
  }
  const sync::Identity me = this_process();
  if (holder->host == me.host && me.pid_alive(holder->pid))
    throw CommandError(kRefused, "the lock is held by a live process: " + sync::describe(*holder) +
                                     "; stop it first (kill " + std::to_string(holder->pid) +
                                     "), or let it finish; nothing was changed");
  for (const auto& t : store.targets()) store.force_unlock(t.id);
  std::cout << "Removed the lock held by " + sync::describe(*holder) + ".\n";
  return kOk;
}

int copy(const Options& options) {
  if (options.positional.size() != 3) throw UsageError("usage: xuna-sync state copy FROM TO [--force]");
  try {
    auto from = state::open_store(options.positional[1], state::OpenMode::ReadOnly);
    auto to = state::open_store(options.positional[2]);
    state::CopyCounts c = state::copy_state(*from, *to, options.force);
    std::cout << "Copied " << state::display_location(options.positional[1]) << " to "
              << state::display_location(options.positional[2]) << ": " << c.targets
              << " targets, " << c.runs << " runs, " << c.actions << " actions, " << c.managed
              << " managed numbers, " << c.calls << " campaign recipients, " << c.batches
              << " campaign chunks from before the ledger, " << c.snapshots
              << " routing snapshots.\n";
  } catch (const state::InvalidLocation& e) {
    throw CommandError(kInvalid, e.what());
  } catch (const state::StateError& e) {
    throw CommandError(kFailed, e.what());
  }
  return kOk;
}

}  // namespace

int run_state(const Options& options) {
  const std::string sub = options.positional.empty() ? "" : options.positional[0];
  if (sub == "copy") return copy(options);
  if ((sub != "show" && sub != "unlock") || options.positional.size() != 1)
    throw UsageError("usage: xuna-sync state show | unlock --force | copy FROM TO [--force]");
  if (!state_exists(options))
    throw CommandError(kInvalid, "no state at " + state::display_location(state_path(options)));
  auto store = open_state(options, sub == "show" ? state::OpenMode::ReadOnly
                                                  : state::OpenMode::ReadWrite);
  if (sub == "unlock") return unlock(options, *store);
  std::cout << "State: " << store->where() << " (schema " << store->schema_version() << ")\n";
  auto holder = store->lock_holder(0);
  std::cout << "Lock: " << (holder ? "held by " + sync::describe(*holder) : std::string("free"))
            << '\n';
  auto targets = store->targets();
  std::cout << "Targets: " << targets.size() << '\n';
  for (const auto& t : targets) {
    std::cout << "  " << t.api_url << "  key " << t.key_fingerprint << "  " << t.managed_numbers
              << " managed numbers, " << t.runs << " runs\n";
    auto last = store->runs(t.id, 1);
    if (!last.empty())
      std::cout << "    last run #" << last[0].id << " " << last[0].command << " "
                << to_string(last[0].outcome) << " at " << last[0].started_at << '\n';
  }
  return kOk;
}

}  // namespace xs::cli

#include <sys/stat.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "state/store.h"

namespace xs::cli {

int run_state(const Options& options) {
  const std::string sub = options.positional.empty() ? "" : options.positional[0];
  if ((sub != "show" && sub != "unlock") || options.positional.size() != 1)
    throw UsageError("usage: xuna-sync state show | unlock --force");
  const std::string path = state_path(options);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw CommandError(kInvalid, "no state file at " + path);
  state::Store store(path);
  if (sub == "unlock") {
    if (!options.force)
      throw UsageError("'state unlock' removes the lock whoever holds it: add --force");
    auto holder = store.lock_holder();
    store.force_unlock();
    std::cout << (holder ? "Removed the lock held by pid " + std::to_string(holder->pid) +
                               " on " + holder->host + " since " + holder->since + ".\n"
                         : std::string("The state file was not locked.\n"));
    return kOk;
  }
  std::cout << "State file: " << path << " (schema " << store.schema_version() << ")\n";
  auto holder = store.lock_holder();
  std::cout << "Lock: "
            << (holder ? "held by pid " + std::to_string(holder->pid) + " on " + holder->host +
                             " since " + holder->since
                       : std::string("free"))
            << '\n';
  auto targets = store.targets();
  std::cout << "Targets: " << targets.size() << '\n';
  for (const auto& t : targets) {
    std::cout << "  " << t.api_url << "  key " << t.key_fingerprint << "  " << t.managed_numbers
              << " managed numbers, " << t.runs << " runs\n";
    auto last = store.runs(t.id, 1);
    if (!last.empty())
      std::cout << "    last run #" << last[0].id << " " << last[0].command << " "
                << last[0].outcome << " at " << last[0].started_at << '\n';
  }
  return kOk;
}

}  // namespace xs::cli

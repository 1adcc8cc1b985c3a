#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"

namespace xs::cli {

int run_validate(const Options& options) {
  Desired d = load_desired(options);
  if (!options.quiet)
    std::cout << "The mapping is valid: " << d.numbers.size() << " numbers, "
              << d.agents.size() << " agent aliases, " << d.twilio_accounts.size()
              << " Twilio accounts, " << d.batches.size() << " batch campaigns.\n";
  return kOk;
}

}  // namespace xs::cli

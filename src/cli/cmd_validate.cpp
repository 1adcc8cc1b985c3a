#include <iostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"

namespace xs::cli {
namespace {

std::string count(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

int run_validate(const Options& options) {
  Desired d = load_desired(options);
  if (!options.quiet)
    std::cout << "The mapping is valid: " << count(d.numbers.size(), "number", "numbers") << ", "
              << count(d.agents.size(), "agent alias", "agent aliases") << ", "
              << count(d.twilio_accounts.size(), "Twilio account", "Twilio accounts") << ", "
              << count(d.batches.size(), "batch campaign", "batch campaigns") << ".\n";
  return kOk;
}

}  // namespace xs::cli

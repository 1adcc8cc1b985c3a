// xuna-sync completion bash|zsh: completion scripts generated from the CLI11 model.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/completion.h"
#include "cli/exit_codes.h"

namespace xs::cli {

int run_completion(const Options& options) {
  const std::string shell = options.positional.empty() ? "" : options.positional[0];
  if (options.positional.size() != 1 || (shell != "bash" && shell != "zsh"))
    throw UsageError("completion expects bash|zsh");
  Options scratch;
  auto model = make_cli(scratch);
  std::cout << (shell == "bash" ? bash_completion(*model) : zsh_completion(*model));
  return kOk;
}

}  // namespace xs::cli

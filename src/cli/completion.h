#pragma once
// Shell completion scripts generated from the CLI11 model of the command line: the commands,
// their options, the values of enumerated options, and file arguments.
#include <string>

namespace CLI {
class App;
}

namespace xs::cli {

// A bash script defining _xuna_sync and registering it with `complete -F`.
std::string bash_completion(const CLI::App& model);

// A zsh script (#compdef xuna-sync) for a directory on $fpath, or to source.
std::string zsh_completion(const CLI::App& model);

}  // namespace xs::cli

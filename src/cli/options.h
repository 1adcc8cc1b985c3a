#pragma once
// The command line, parsed into plain values by one CLI11 model (cli/options.cpp): the
// commands, their options, environment bindings and validators. Help and shell completion
// are generated from the same model. Unknown options and bad values are usage errors.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace xs::cli {

// A usage error: printed as "xuna-sync: error: <what>" with a hint to --help; exit 3.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Any other error a command wants reported as one line with a given exit code.
struct CommandError : std::runtime_error {
  CommandError(int exit_code, const std::string& message)
      : std::runtime_error(message), code(exit_code) {}
  int code;
};

struct Options {
  std::string command;                 // empty: none given
  std::vector<std::string> positional; // after the command
  std::vector<std::string> files;      // -f/--file, repeatable
  std::string api_url, twilio_api_url, state_path, ca_file, out, format = "text";
  std::string log_format = "text", twilio_account, resubmit, metrics_file;
  std::string campaign;  // history --campaign: that campaign's ledger
  double timeout = 30;
  double deadline = 0;     // --deadline in seconds (0: none)
  double deadline_at = 0;  // when it passes, on system_clock()'s monotonic clock
  double max_rps = 0;
  std::optional<double> max_reassign_percent;  // given explicitly: applies at any size
  std::vector<std::string> only;               // --only PATTERN, repeatable
  std::vector<std::string> exclude;            // --exclude PATTERN, repeatable
  int markdown_max_bytes = 65536;              // --markdown-max-bytes: plan --format markdown
  std::optional<int> max_imports;
  std::string xuna_webhook_origin;
  int parallelism = 8;
  int limit = 20;
  int batch_chunk = 1000;
  std::optional<int> max_changes;
  bool help = false, version = false, quiet = false, verbose = false, no_color = false;
  bool auto_approve = false, detailed_exitcode = false, force = false, all = false;
  bool allow_routing_takeover = false, undo = false;
  bool allow_outside_files = false;  // side files may resolve outside the mapping's folder
};

// The option group of the options every command (or every networked command) takes; help
// lists them apart.
inline constexpr const char* kCommonGroup = "Common options";

// The CLI11 model of the whole command line, its options bound to the fields of `into`
// (which must outlive it). One subcommand per row of the command table.
std::unique_ptr<CLI::App> make_cli(Options& into);

// Parses argv (without argv[0]). Throws UsageError naming the offending argument, with a
// did-you-mean for a misspelt option or command.
Options parse_options(const std::vector<std::string>& args);

// The closest of `candidates` to `word` when it is close enough to be a typo, else "".
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace xs::cli

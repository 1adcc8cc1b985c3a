#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/exit_codes.h"
#include "cli/std_fds.h"
#include "state/store.h"
#include "sync/errors.h"
#include "util/log.h"

namespace xs::cli {
namespace {

const char* kKeyHelp = "The API key comes only from the environment variable XUNA_API_KEY.\n";

const char* kExitHelp = R"(Exit codes: 0 success or no changes; 1 API or apply failure; 2 plan has changes
(with --detailed-exitcode); 3 invalid input or usage; 4 another run holds the lock;
5 refused by a safety check.
)";

// Words wrapped at `width`, continuation lines indented by `indent` spaces.
std::string wrap(const std::string& text, std::size_t indent, std::size_t width) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += line + '\n' + std::string(indent, ' ');
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + line;
}

// "  -f, --file PATH        a mapping file ..." for each named option of `app` in (or out of)
// the common group, as the model describes them.
std::string option_lines(const CLI::App& app, bool common,
                         std::vector<std::string>* seen = nullptr) {
  const std::size_t column = 25;
  std::string out;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_lnames().empty() || opt->get_group().empty()) continue;
    if ((opt->get_group() == kCommonGroup) != common) continue;
    std::string tag;
    for (const auto& s : opt->get_snames()) tag += "-" + s + ", ";
    for (const auto& l : opt->get_lnames()) tag += "--" + l;
    if (seen) {
      if (std::find(seen->begin(), seen->end(), tag) != seen->end()) continue;
      seen->push_back(tag);
    }
    if (opt->get_expected_max() > 0) tag += " " + opt->get_type_name();
    std::string text = opt->get_description();
    if (!opt->get_envname().empty())
      text += opt->get_envname() == "NO_COLOR" ? " (also NO_COLOR)"
                                               : " (env " + opt->get_envname() + ")";
    std::string line = "  " + tag;
    line += line.size() + 2 <= column ? std::string(column - line.size(), ' ') : "  ";
    out += line + wrap(text, column, 94) + '\n';
  }
  return out;
}

const CLI::App* find_model(const CLI::App& top, const std::string& name) {
  for (const CLI::App* sub : top.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

// --log-format json, seen before the options are parsed (a usage error is logged as JSON too).
bool asks_for_json_logs(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i)
    if (args[i] == "--log-format=json" ||
        (args[i] == "--log-format" && i + 1 < args.size() && args[i + 1] == "json"))
      return true;
  return false;
}

const Command* find_command(const std::string& name) {
  for (const auto& c : commands())
    if (name == c.name) return &c;
  return nullptr;
}

void configure(const Options& o) {
  LogConfig log;
  log.json = o.log_format == "json";
  log.level = o.verbose ? LogLevel::Debug : o.quiet ? LogLevel::Warn : LogLevel::Info;
  configure_logging(log);
}

void print_help(const std::string& command) {
  std::cout << help_text(command);
}

int dispatch(const std::vector<std::string>& args) {
  // 'xuna-sync help [COMMAND]' is '--help' said in words.
  if (!args.empty() && args[0] == "help") {
    if (args.size() > 1 && !find_command(args[1]))
      throw UsageError("unknown command '" + args[1] + "'");
    print_help(args.size() > 1 ? args[1] : "");
    return kOk;
  }
  Options o = parse_options(args);
  configure(o);
  if (o.version) {
    std::cout << "xuna-sync " << XS_VERSION << '\n';
    return kOk;
  }
  if (o.help) {
    print_help(o.command);
    return kOk;
  }
  if (o.command.empty()) {
    std::cerr << help_text("");
    return kInvalid;
  }
  return find_command(o.command)->run(o);
}

}  // namespace

std::string help_text(const std::string& command) {
  Options scratch;
  auto model = make_cli(scratch);
  std::string out;
  if (command.empty()) {
    out += std::string("xuna-sync ") + XS_VERSION + ": " + model->get_description() +
           "\n\nUsage: xuna-sync <command> [options]\n\nCommands:\n";
    for (const auto& c : commands()) {
      std::string name = c.name;
      out += "  " + name + std::string(12 - name.size(), ' ') + c.summary + '\n';
    }
    out += "\nRun 'xuna-sync <command> --help' for a command's options and an example.\n\n";
    out += "Common options:\n";
    std::vector<std::string> seen;  // plan first: it takes the networked options
    out += option_lines(*find_model(*model, "plan"), true, &seen);
    for (const auto& c : commands()) out += option_lines(*find_model(*model, c.name), true, &seen);
    out += std::string(kKeyHelp) + '\n' + kExitHelp;
    return out;
  }
  const Command* c = find_command(command);
  const CLI::App* sub = c ? find_model(*model, command) : nullptr;
  if (!sub) throw UsageError("unknown command '" + command + "'");
  out += std::string("Usage: ") + c->usage + "\n\n" + c->about + '\n';
  std::string own = option_lines(*sub, false);
  if (!own.empty()) out += own + '\n';
  out += std::string(c->example) + "\nCommon options:\n" + option_lines(*sub, true) + kKeyHelp;
  return out;
}

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"validate", "check the mapping files offline", "xuna-sync validate [-f PATH]...",
       "Parses and checks every mapping file (default: ./mappings/*.yaml|yml|json) and reports\n"
       "every problem as FILE:LINE:COL: message. Sends nothing.\n",
       "Example:\n  xuna-sync validate -f mappings/\n", run_validate},
      {"plan", "show what apply would change",
       "xuna-sync plan [-f PATH]... [--out PLAN.json] [--format text|json|markdown] "
       "[--detailed-exitcode]",
       "Lists the numbers in XUNA once and prints the imports and agent assignments that would\n"
       "bring XUNA in line with the mapping, plus warnings it cannot fix (label drift, ...).\n"
       "The safety checks of apply (--max-changes, --max-reassign-percent, --force) apply.\n"
       "--format markdown writes it for a pull-request comment; with GITHUB_STEP_SUMMARY set,\n"
       "that Markdown is also appended to the job summary. HTTPS_PROXY, HTTP_PROXY, ALL_PROXY\n"
       "and NO_PROXY are read as curl reads them.\n",
       "Example:\n  XUNA_API_KEY=... xuna-sync plan -f mappings/ --detailed-exitcode\n", run_plan},
      {"apply", "make XUNA match the mapping",
       "xuna-sync apply [-f PATH]... [--auto-approve] [--parallelism N] [--max-changes N] "
       "[PLAN.json]",
       "Plans as 'plan' does, then imports the missing numbers and assigns agents, at most\n"
       "--parallelism requests at once (default 8). Each action is journaled in the state file;\n"
       "a second run does only what is still missing. Without --auto-approve it asks on a\n"
       "terminal and refuses (exit 3) without one. Given a PLAN.json saved by 'plan --out',\n"
       "it applies that plan (refused if stale).\n",
       "Example (cron):\n  xuna-sync apply -f /etc/xuna-sync/mappings --auto-approve --quiet\n",
       run_apply},
      {"discover", "numbers a Twilio account owns that the mapping lacks, as YAML",
       "xuna-sync discover --twilio-account NAME | --all [-f PATH]... [--out FILE [--force]]",
       "Lists every number the Twilio account owns (one paged list) and prints those the mapping\n"
       "does not name, sorted, as entries to paste under 'numbers:' (label from Twilio's\n"
       "friendly name, a commented-out 'agent:' line). Numbers already in XUNA are marked; that\n"
       "check needs XUNA_API_KEY and is skipped with a warning without it.\n",
       "Example:\n  xuna-sync discover --twilio-account main --out mappings/discovered.yaml\n",
       run_discover},
      {"export", "print the live XUNA numbers as a mapping file", "xuna-sync export",
       "Prints every number in XUNA as a mapping file to adopt what exists. Fill in the Twilio\n"
       "account before using it.\n",
       "Example:\n  xuna-sync export > mappings/adopted.yaml\n", run_export},
      {"history", "past runs and their actions, or a campaign's ledger",
       "xuna-sync history [--limit N] [--format text|json]\n"
       "       xuna-sync history --campaign NAME [--format text|csv|json]",
       "Shows the last runs recorded in the state file (newest first) with their actions.\n",
       "Example:\n  xuna-sync history --limit 5\n"
       "  xuna-sync history --campaign renewals-2026-11 --format csv > renewals.csv\n",
       run_history},
      {"state", "inspect the state, remove a stale lock, copy it to another backend",
       "xuna-sync state show | unlock --force | copy FROM TO [--force]",
       "'state show' summarises the state: schema, targets, managed numbers, lock.\n"
       "'state unlock --force' removes the lock of a run that is gone; it refuses while the\n"
       "holder is a live process on this host. With PostgreSQL the server drops a dead\n"
       "holder's lock by itself.\n"
       "'state copy FROM TO' copies a state between backends (a path or a postgresql:// URI);\n"
       "it refuses a destination that is not empty unless --force.\n",
       "Example:\n  xuna-sync state copy .xuna-sync/state.db postgresql://xs@db/xuna_sync\n",
       run_state},
      {"rollback", "put numbers' Twilio routing back as it was before the cut-over",
       "xuna-sync rollback [-f PATH]... (NUMBER... | --all) [--undo] [--force] [--auto-approve]",
       "Restores, through Twilio's update call, the routing the state snapshotted before each\n"
       "number was imported into XUNA (--all: every number of the mapping with a snapshot).\n"
       "Shows what it will change and asks like apply (exit 3 without a terminal or\n"
       "--auto-approve). A number already routed as its snapshot is left alone; one re-routed\n"
       "by hand since the cut-over is named and left alone (exit 1) unless --force, which keeps\n"
       "the routing it replaces for --undo. --undo points them back at XUNA with the routing\n"
       "recorded after the cut-over. The XUNA record stays.\n",
       "Example:\n  xuna-sync rollback +15551234567 --auto-approve\n", run_rollback},
      {"schema", "print the JSON Schema of the mapping format", "xuna-sync schema",
       "Prints the JSON Schema (draft 2020-12) of the mapping files, for editors\n"
       "(yaml-language-server, VS Code, JetBrains) and validators. The package also installs it\n"
       "as /usr/share/xuna-sync/mapping.schema.json.\n",
       "Example:\n  xuna-sync schema > mapping.schema.json\n", run_schema},
      {"completion", "print shell completion for bash or zsh", "xuna-sync completion bash|zsh",
       "Prints a completion script for the shell, generated from the same model as this help:\n"
       "the commands, their options, the values of --format and --log-format, and file names\n"
       "for -f, --state, --out, --ca-file and --metrics-file. The package installs both.\n",
       "Example:\n  source <(xuna-sync completion bash)\n", run_completion},
  };
  return table;
}

namespace {

// The command and its exit code, every error turned into a message and its code.
int run_command(const std::vector<std::string>& args) {
  try {
    return dispatch(args);
  } catch (const UsageError& e) {
    if (asks_for_json_logs(args)) configure_logging({LogLevel::Info, true});
    log_error(std::string(e.what()) + " (see 'xuna-sync --help')");
    return kInvalid;
  } catch (const CommandError& e) {
    log_error(e.what());
    return e.code;
  } catch (const sync::SyncError& e) {
    log_error(e.what());
    return exit_code_of(e);
  } catch (const state::InvalidLocation& e) {
    log_error(e.what());
    return kInvalid;
  } catch (const std::exception& e) {  // StateError and the rest: an API or state failure
    log_error(e.what());
    return kFailed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (!open_standard_fds()) return kFailed;  // nowhere safe to write, not even to say so
  return run_command(std::vector<std::string>(argv + 1, argv + argc));
}

void end_process(int code) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
#if defined(__SANITIZE_ADDRESS__)
  std::exit(code);  // the leak check runs at exit
#else
  std::_Exit(code);
#endif
}

}  // namespace xs::cli

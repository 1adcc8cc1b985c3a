#include "cli/commands.h"

#include <iostream>

#include "cli/exit_codes.h"
#include "state/store.h"
#include "sync/errors.h"
#include "util/log.h"

namespace xs::cli {
namespace {

const char* kCommonHelp = R"(Common options:
  --api-url URL          XUNA API base URL (env XUNA_API_URL; default https://api.xuna.ai)
  --twilio-api-url URL   Twilio API base URL (env TWILIO_API_URL; default https://api.twilio.com)
  --state PATH           state database (env XUNA_SYNC_STATE; default .xuna-sync/state.db)
  --ca-file PATH         trust these CA certificates instead of the system's
  --timeout SECONDS      per request (default 30)
  --max-rps R            at most R requests a second
  --log-format text|json, --quiet, --verbose, --no-color (also NO_COLOR)
The API key comes only from the environment variable XUNA_API_KEY.
)";

const char* kExitHelp = R"(Exit codes: 0 success or no changes; 1 API or apply failure; 2 plan has changes
(with --detailed-exitcode); 3 invalid input or usage; 4 another run holds the lock;
5 refused by a safety check.
)";

void print_overview(std::ostream& out) {
  out << "xuna-sync " << XS_VERSION
      << ": keeps XUNA AI phone numbers and their agents in line with mapping files.\n\n"
         "Usage: xuna-sync <command> [options]\n\nCommands:\n";
  for (const auto& c : commands()) {
    std::string name = c.name;
    out << "  " << name << std::string(10 - name.size(), ' ') << c.summary << '\n';
  }
  out << "\nRun 'xuna-sync <command> --help' for a command's options and an example.\n\n"
      << kCommonHelp << '\n' << kExitHelp;
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

int dispatch(const std::vector<std::string>& args) {
  Options o = parse_options(args);
  configure(o);
  if (o.version) {
    std::cout << "xuna-sync " << XS_VERSION << '\n';
    return kOk;
  }
  if (o.command.empty() || o.command == "help") {
    if (!o.positional.empty()) {
      if (const Command* c = find_command(o.positional[0])) {
        std::cout << "Usage: " << c->usage << "\n\n" << c->help << '\n' << kCommonHelp;
        return kOk;
      }
    }
    print_overview(o.help || o.command == "help" ? std::cout : std::cerr);
    return o.help || o.command == "help" ? kOk : kInvalid;
  }
  const Command* c = find_command(o.command);
  if (!c) throw UsageError("unknown command '" + o.command + "'");
  if (o.help) {
    std::cout << "Usage: " << c->usage << "\n\n" << c->help << '\n' << kCommonHelp;
    return kOk;
  }
  return c->run(o);
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"validate", "check the mapping files offline", "xuna-sync validate [-f PATH]...",
       "Parses and checks every mapping file (default: ./mappings/*.yaml|yml|json) and reports\n"
       "every problem as FILE:LINE:COL: message. Sends nothing.\n\n"
       "Example:\n  xuna-sync validate -f mappings/\n",
       run_validate},
      {"plan", "show what apply would change",
       "xuna-sync plan [-f PATH]... [--out PLAN.json] [--format text|json] [--detailed-exitcode]",
       "Lists the numbers in XUNA once and prints the imports and agent assignments that would\n"
       "bring XUNA in line with the mapping, plus warnings it cannot fix (label drift, ...).\n\n"
       "  --format text|json     output format (default text)\n"
       "  --out PLAN.json        also save the plan for 'xuna-sync apply PLAN.json'\n"
       "  --detailed-exitcode    exit 2 when the plan has changes (or a campaign whose\n"
       "                         outcome is unknown), 0 when it has none\n"
       "  --max-changes N, --max-reassign-percent P, --force: the safety checks of apply\n"
       "  --only PATTERN         only numbers matching it (repeatable): +15551234567,\n"
       "                         a glob such as '+1555123*', or 'label:Support*'\n"
       "  --max-imports N        import at most N numbers this run (the rest are deferred)\n"
       "  --allow-routing-takeover  import numbers Twilio routes through an app or a trunk\n"
       "  --xuna-webhook-origin URL  where calls must go after a cut-over (env\n"
       "                         XUNA_WEBHOOK_ORIGIN; default: scheme, host and port of --api-url)\n"
       "  --metrics-file PATH    write Prometheus gauges about this run there (atomically)\n\n"
       "Example:\n  XUNA_API_KEY=... xuna-sync plan -f mappings/ --detailed-exitcode\n",
       run_plan},
      {"apply", "make XUNA match the mapping",
       "xuna-sync apply [-f PATH]... [--auto-approve] [--parallelism N] [--max-changes N]",
       "Plans as 'plan' does, then imports the missing numbers and assigns agents, at most\n"
       "--parallelism requests at once (default 8). Each action is journaled in the state file;\n"
       "a second run does only what is still missing. Without --auto-approve it asks on a\n"
       "terminal and refuses (exit 3) without one.\n\n"
       "  --auto-approve         do not ask\n"
       "  --parallelism N        requests in flight (default 8)\n"
       "  --max-changes N        refuse (exit 5) when the plan has more than N actions\n"
       "  --max-reassign-percent P  refuse when more than P% (default 30) of the assigned\n"
       "                         numbers would move to another agent (by default only once\n"
       "                         10 numbers have one; a P given here applies at any size);\n"
       "                         --force lifts it\n"
       "  --only PATTERN, --max-imports N, --allow-routing-takeover, --xuna-webhook-origin URL:\n"
       "                         as for plan (waves and the cut-over check)\n"
       "  --format text|json     the report format\n"
       "  --batch-chunk N        calls per batch-call request (default 1000)\n"
       "  --resubmit NAME        send again a campaign whose outcome is unknown\n"
       "  --metrics-file PATH    after the run, write Prometheus gauges there (atomically, also\n"
       "                         when it fails or is refused) for node_exporter's textfile\n"
       "                         collector\n\n"
       "Example (cron):\n  xuna-sync apply -f /etc/xuna-sync/mappings --auto-approve --quiet\n",
       run_apply},
      {"discover", "numbers a Twilio account owns that the mapping lacks, as YAML",
       "xuna-sync discover --twilio-account NAME | --all [-f PATH]... [--out FILE [--force]]",
       "Lists every number the Twilio account owns (one paged list) and prints those the mapping\n"
       "does not name, sorted, as entries to paste under 'numbers:' (label from Twilio's\n"
       "friendly name, a commented-out 'agent:' line). Numbers already in XUNA are marked; that\n"
       "check needs XUNA_API_KEY and is skipped with a warning without it.\n\n"
       "  --twilio-account NAME  the account, by its name under twilio_accounts\n"
       "  --all                  every account in the mapping\n"
       "  --out FILE             write a complete new mapping file instead (exit 3 if FILE\n"
       "                         exists, unless --force)\n\n"
       "Example:\n  xuna-sync discover --twilio-account main --out mappings/discovered.yaml\n",
       run_discover},
      {"export", "print the live XUNA numbers as a mapping file", "xuna-sync export",
       "Prints every number in XUNA as a mapping file to adopt what exists. Fill in the Twilio\n"
       "account before using it.\n\nExample:\n  xuna-sync export > mappings/adopted.yaml\n",
       run_export},
      {"history", "past runs and their actions", "xuna-sync history [--limit N] [--format text|json]",
       "Shows the last runs recorded in the state file (newest first) with their actions.\n\n"
       "Example:\n  xuna-sync history --limit 5\n",
       run_history},
      {"state", "inspect the state, remove a stale lock, copy it to another backend",
       "xuna-sync state show | unlock --force | copy FROM TO [--force]",
       "'state show' summarises the state: schema, targets, managed numbers, lock.\n"
       "'state unlock --force' removes the lock of a run that is gone; it refuses while the\n"
       "holder is a live process on this host. With PostgreSQL the server drops a dead\n"
       "holder's lock by itself.\n"
       "'state copy FROM TO' copies a state between backends (a path or a postgresql:// URI);\n"
       "it refuses a destination that is not empty unless --force.\n\n"
       "Example:\n  xuna-sync state copy .xuna-sync/state.db postgresql://xs@db/xuna_sync\n",
       run_state},
      {"rollback", "put numbers' Twilio routing back as it was before the cut-over",
       "xuna-sync rollback [-f PATH]... (NUMBER... | --all) [--undo] [--auto-approve]",
       "Restores, through Twilio's update call, the routing the state snapshotted before each\n"
       "number was imported into XUNA (--all: every snapshot this state holds). Shows what it\n"
       "will change and asks like apply (exit 3 without a terminal or --auto-approve). A number\n"
       "already routed as its snapshot is left alone. --undo points them back at XUNA with the\n"
       "routing recorded after the cut-over. The XUNA record stays.\n\n"
       "  --undo                 re-point at XUNA instead\n"
       "  --auto-approve         do not ask\n"
       "  --format text|json     the report format\n\n"
       "Example:\n  xuna-sync rollback +15551234567 --auto-approve\n",
       run_rollback},
  };
  return table;
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
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
  } catch (const state::StateError& e) {
    log_error(e.what());
    return kFailed;
  } catch (const std::exception& e) {
    log_error(e.what());
    return kFailed;
  }
}

}  // namespace xs::cli

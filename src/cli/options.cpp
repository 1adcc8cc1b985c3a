#include "cli/options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "cli/commands.h"
#include "util/clock.h"

namespace xs::cli {
namespace {

// Validators throw our own UsageError so the texts stay those of the tool, not CLI11's.
CLI::Validator whole_number(const std::string& name, int min) {
  return CLI::Validator(
      [name, min](std::string& v) {
        char* end = nullptr;
        long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < min || n > 1000000)
          throw UsageError("--" + name + " expects a whole number of at least " +
                           std::to_string(min) + ", got '" + v + "'");
        return std::string();
      },
      "");
}

CLI::Validator number(const std::string& name, double min) {
  return CLI::Validator(
      [name, min](std::string& v) {
        char* end = nullptr;
        double n = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !(n >= min) || n > 1e6)
          throw UsageError("--" + name + " expects a number of at least " +
                           std::to_string(min).substr(0, 3) + ", got '" + v + "'");
        return std::string();
      },
      "");
}

// A duration as "90", "90s", "10m", "2h" or "1d", turned into seconds for the option.
CLI::Validator duration(const std::string& name) {
  return CLI::Validator(
      [name](std::string& v) {
        static const std::map<char, double> kUnits = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
        std::string digits = v;
        double unit = 1;
        if (!digits.empty() && kUnits.count(digits.back())) {
          unit = kUnits.at(digits.back());
          digits.pop_back();
        }
        char* end = nullptr;
        const double n = std::strtod(digits.c_str(), &end);
        if (digits.empty() || *end != '\0' || !(n > 0) || n * unit > 30 * 86400.0 ||
            digits.find_first_not_of("0123456789.") != std::string::npos)
          throw UsageError("--" + name + " expects a duration such as 90s, 10m or 2h (at most 30d), got '" +
                           v + "'");
        v = std::to_string(n * unit);
        return std::string();
      },
      "");
}

CLI::Validator one_of(const std::string& name, const std::vector<std::string>& allowed) {
  return CLI::Validator(
      [name, allowed](std::string& v) {
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
          std::string list;
          for (const auto& a : allowed) list += (list.empty() ? "" : "|") + a;
          throw UsageError(name + " expects " + list + ", got '" + v + "'");
        }
        return std::string();
      },
      "");
}

// NO_COLOR counts when set to anything (no-color.org); CLI11 would read "yes"/"no" only.
CLI::Validator any_value_is_true() {
  return CLI::Validator(
      [](std::string& v) {
        v = v == "false" ? "false" : "true";
        return std::string();
      },
      "");
}

const std::set<std::string> kMapping = {"validate", "plan", "apply", "discover", "rollback"};
const std::set<std::string> kRemote = {"plan", "apply", "discover", "export", "rollback"};

// The options every command takes, on the top level (before the command) and on each command.
// The environment is read by the command's copy only (`env`), so that a value given before
// the command is not overwritten by it.
void add_common(CLI::App& app, Options& o, bool env) {
  app.add_option("--state", o.state_path,
                 "state database: a path or a postgresql:// URI "
                 "(default .xuna-sync/state.db)")
      ->type_name("PATH")
      ->envname(env ? "XUNA_SYNC_STATE" : "")
      ->group(kCommonGroup);
  app.add_option("--log-format", o.log_format, "log lines as text or JSON (default text)")
      ->type_name("text|json")
      ->check(one_of("--log-format", {"text", "json"}))
      ->group(kCommonGroup);
  app.add_flag("-q,--quiet", o.quiet, "warnings and errors only")->group(kCommonGroup);
  app.add_flag("-v,--verbose", o.verbose, "debug lines too")->group(kCommonGroup);
  app.add_flag("--no-color", o.no_color, "no colours even on a terminal")
      ->envname(env ? "NO_COLOR" : "")
      ->transform(any_value_is_true())
      ->group(kCommonGroup);
  app.add_flag("-h,--help", o.help, "this help")->group(kCommonGroup);
  app.add_flag("--version", o.version, "print the version")->group(kCommonGroup);
}

// A command's own options, and the networked ones for the commands that talk to the APIs.
void add_command_options(CLI::App& cmd, const std::string& name, Options& o) {
  auto takes = [&](const std::set<std::string>& commands) { return commands.count(name) > 0; };
  if (takes(kMapping))
    cmd.add_option("-f,--file", o.files,
                   "a mapping file or a folder of them (repeatable; default ./mappings)")
        ->type_name("PATH")
        ->allow_extra_args(false)
        ->take_all();
  if (takes(kMapping))
    cmd.add_flag("--allow-outside-files", o.allow_outside_files,
                 "read calls_csv and suppress files outside the mapping's folder (the folder "
                 "given with -f, or a mapping file's own); only regular files even so");
  if (takes({"plan"}))
    cmd.add_flag("--detailed-exitcode", o.detailed_exitcode,
                 "exit 2 when the plan has changes (or a campaign whose outcome is unknown), "
                 "0 when it has none");
  if (takes({"plan", "discover"}))
    cmd.add_option("--out", o.out,
                   name == "plan" ? "also save the plan for 'xuna-sync apply PLAN.json'"
                                  : "write a complete new mapping file instead (exit 3 if FILE "
                                    "exists, unless --force)")
        ->type_name(name == "plan" ? "PLAN.json" : "FILE");
  if (takes({"apply", "rollback"})) cmd.add_flag("--auto-approve", o.auto_approve, "do not ask");
  if (takes({"apply", "rollback"}))
    cmd.add_option("--parallelism", o.parallelism, "requests in flight (default 8)")
        ->type_name("N")
        ->check(whole_number("parallelism", 1));
  if (takes({"plan"}))
    cmd.add_option("--format", o.format,
                   "output format (default text; markdown: for a pull-request comment)")
        ->type_name("text|json|markdown")
        ->check(one_of("--format", {"text", "json", "markdown"}));
  if (takes({"apply", "rollback"}))
    cmd.add_option("--format", o.format, "output format (default text)")
        ->type_name("text|json")
        ->check(one_of("--format", {"text", "json"}));
  if (takes({"history"}))
    cmd.add_option("--format", o.format, "output format (default text; csv with --campaign)")
        ->type_name("text|json|csv")
        ->check(one_of("--format", {"text", "json", "csv"}));
  if (takes({"plan", "apply"}))
    cmd.add_option("--markdown-max-bytes", o.markdown_max_bytes,
                   "cut the Markdown plan (--format markdown, GITHUB_STEP_SUMMARY) to at most N "
                   "bytes (default 65536, a GitHub comment)")
        ->type_name("N")
        ->check(whole_number("markdown-max-bytes", 1024));
  if (takes({"plan", "apply"})) {
    cmd.add_option("--max-changes", o.max_changes,
                   "refuse (exit 5) when the plan has more than N actions")
        ->type_name("N")
        ->check(whole_number("max-changes", 0));
    cmd.add_option("--max-reassign-percent", o.max_reassign_percent,
                   "refuse when more than P% (default 30) of the assigned numbers would move "
                   "to another agent (by default only once 10 numbers have one; a P given here "
                   "applies at any size); --force lifts it")
        ->type_name("P")
        ->check(number("max-reassign-percent", 0));
  }
  if (takes({"plan", "apply", "state", "discover", "rollback"}))
    cmd.add_flag("--force", o.force,
                 name == "state"      ? "unlock: remove the lock; copy: overwrite a destination "
                                        "that is not empty"
                 : name == "discover" ? "let --out replace an existing file"
                 : name == "rollback" ? "also restore numbers re-routed by hand since the cut-over "
                                        "(what they had is kept for --undo)"
                                      : "lift the reassignment guard");
  if (takes({"plan", "apply"})) {
    cmd.add_option("--only", o.only,
                   "only numbers matching it (repeatable): +15551234567, a glob such as "
                   "'+1555123*', or 'label:Support*'")
        ->type_name("PATTERN")
        ->allow_extra_args(false)
        ->take_all();
  }
  if (takes({"plan", "apply", "rollback"}))
    cmd.add_option("--exclude", o.exclude,
                   "leave out numbers matching it (repeatable; as --only), also those --only "
                   "selects")
        ->type_name("PATTERN")
        ->allow_extra_args(false)
        ->take_all();
  if (takes({"plan", "apply"})) {
    cmd.add_option("--max-imports", o.max_imports,
                   "import at most N numbers this run (the rest are deferred)")
        ->type_name("N")
        ->check(whole_number("max-imports", 0));
    cmd.add_flag("--allow-routing-takeover", o.allow_routing_takeover,
                 "import numbers Twilio routes through an app or a trunk");
    cmd.add_option("--xuna-webhook-origin", o.xuna_webhook_origin,
                   "where calls must go after a cut-over (default: scheme, host and port of "
                   "--api-url)")
        ->type_name("URL")
        ->envname("XUNA_WEBHOOK_ORIGIN");
    cmd.add_option("--batch-chunk", o.batch_chunk, "calls per batch-call request (default 1000)")
        ->type_name("N")
        ->check(whole_number("batch-chunk", 1));
    cmd.add_option("--metrics-file", o.metrics_file,
                   "write Prometheus gauges about this run there (atomically, also when it "
                   "fails or is refused) for node_exporter's textfile collector")
        ->type_name("PATH");
  }
  if (takes({"apply"}))
    cmd.add_option("--resubmit", o.resubmit,
                   "send again the recipients of a campaign whose outcome is unknown, each "
                   "request with the key it first went with")
        ->type_name("NAME");
  if (takes({"discover"}))
    cmd.add_option("--twilio-account", o.twilio_account,
                   "the account, by its name under twilio_accounts")
        ->type_name("NAME");
  if (takes({"discover", "rollback"}))
    cmd.add_flag("--all", o.all,
                 name == "discover" ? "every account in the mapping"
                                    : "every number of the mapping whose routing the "
                                      "state snapshotted");
  if (takes({"rollback"})) cmd.add_flag("--undo", o.undo, "re-point at XUNA instead");
  if (takes({"history"}))
    cmd.add_option("--campaign", o.campaign,
                   "the campaign's ledger instead: one row per recipient (number, status, "
                   "batch_id, time, run)")
        ->type_name("NAME");
  if (takes({"history"}))
    cmd.add_option("--limit", o.limit, "at most N runs (default 20)")
        ->type_name("N")
        ->check(whole_number("limit", 1));
  if (takes(kRemote)) {
    cmd.add_option("--api-url", o.api_url, "XUNA API base URL (default https://api.xuna.ai)")
        ->type_name("URL")
        ->envname("XUNA_API_URL")
        ->group(kCommonGroup);
    cmd.add_option("--twilio-api-url", o.twilio_api_url,
                   "Twilio API base URL (default https://api.twilio.com)")
        ->type_name("URL")
        ->envname("TWILIO_API_URL")
        ->group(kCommonGroup);
    cmd.add_option("--ca-file", o.ca_file, "trust these CA certificates instead of the system's")
        ->type_name("PATH")
        ->group(kCommonGroup);
    cmd.add_option("--timeout", o.timeout, "per request (default 30)")
        ->type_name("SECONDS")
        ->check(number("timeout", 0.1))
        ->group(kCommonGroup);
    cmd.add_option("--deadline", o.deadline,
                   "end the run after this long (90s, 10m, 2h): no request starts after it, "
                   "no retry waits past it, what is left is reported not done (exit 1)")
        ->type_name("DURATION")
        ->envname("XUNA_SYNC_DEADLINE")
        ->transform(duration("deadline"))
        ->group(kCommonGroup);
    cmd.add_option("--max-rps", o.max_rps, "at most R requests a second")
        ->type_name("R")
        ->check(number("max-rps", 0.1))
        ->group(kCommonGroup);
  }
  add_common(cmd, o, true);
}

// The positional arguments of a command, by its name; a command that takes none still
// collects them (hidden) so that it can say so in its own words.
void add_positionals(CLI::App& cmd, const std::string& name, Options& o) {
  CLI::Option* p = nullptr;
  if (name == "apply") {
    p = cmd.add_option("PLAN.json", o.positional, "a plan saved by 'plan --out'");
  } else if (name == "state") {
    p = cmd.add_option("ACTION", o.positional, "show | unlock | copy FROM TO");
  } else if (name == "rollback") {
    p = cmd.add_option("NUMBER", o.positional, "the numbers to restore (E.164)");
  } else if (name == "completion") {
    p = cmd.add_option("SHELL", o.positional, "bash or zsh");
  } else {
    p = cmd.add_option("ARGS", o.positional)->group("");
  }
  p->type_name("")->take_all();
}

std::vector<const CLI::App*> all_commands(const CLI::App& top) {
  return top.get_subcommands([](const CLI::App*) { return true; });
}

std::vector<std::string> long_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options())
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
  return names;
}

bool has_option(const CLI::App& app, const std::string& flag) {
  for (const CLI::Option* opt : app.get_options())
    if (opt->check_name(flag)) return true;
  return false;
}

// A word where a command should be: an error naming the closest command.
[[noreturn]] void check_command(const CLI::App& top, const std::string& word) {
  std::vector<std::string> commands;
  for (const CLI::App* sub : all_commands(top)) commands.push_back(sub->get_name());
  std::string hint = closest(word, commands);
  throw UsageError("unknown command '" + word + "'" +
                   (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

// What CLI11 left over: unknown options (with a did-you-mean, or the commands that take
// them) and, at the top, an unknown command.
void check_leftovers(CLI::App& top, CLI::App* cmd) {
  for (CLI::App* app : {cmd, &top}) {
    if (!app) continue;
    for (const std::string& a : app->remaining()) {
      if (a.size() < 2 || a[0] != '-') {
        if (app != &top) throw UsageError("unexpected argument '" + a + "'");
        check_command(top, a);
      }
      std::string flag = a.substr(0, a.find('='));
      CLI::App* scope = cmd ? cmd : &top;
      if (cmd) {
        for (const CLI::App* other : all_commands(top))
          if (has_option(*other, flag))
            throw UsageError("option '" + a + "' does not apply to '" + cmd->get_name() + "'");
      }
      std::string hint = flag.rfind("--", 0) == 0 ? closest(flag, long_names(*scope)) : "";
      throw UsageError("unknown option '" + a + "'" +
                       (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
  }
}

}  // namespace

std::unique_ptr<CLI::App> make_cli(Options& o) {
  auto app = std::make_unique<CLI::App>(
      "keeps XUNA AI phone numbers and their agents in line with mapping files.", "xuna-sync");
  // An option given twice keeps its last value, as before; the repeatable ones take all.
  // A flag takes no value (--force=yes is an error).
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->option_defaults()->disable_flag_override();
  app->set_help_flag();  // ours: -h/--help as a plain flag, help is printed by the dispatcher
  app->allow_extras();
  app->require_subcommand(0, 1);
  add_common(*app, o, false);
  for (const Command& c : commands()) {
    CLI::App* cmd = app->add_subcommand(c.name, c.summary);
    cmd->allow_extras();
    // Every command binds the same Options: with a parse-complete callback CLI11 reads the
    // environment (and runs the option callbacks) of the command given only, not of all.
    cmd->parse_complete_callback([] {});
    add_command_options(*cmd, c.name, o);
    add_positionals(*cmd, c.name, o);
  }
  return app;
}

namespace {

Options parse(const std::vector<std::string>& args, bool command_first);

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
  Options o = parse(args, false);
  if (o.deadline > 0) o.deadline_at = system_clock().monotonic() + o.deadline;
  return o;
}

namespace {

// `command_first`: the words were reordered so that the command comes first.
Options parse(const std::vector<std::string>& args, bool command_first) {
  Options o;
  auto app = make_cli(o);
  // After "--" every word is a positional argument (CLI11 2.1 loses that in a subcommand).
  auto mark = std::find(args.begin(), args.end(), "--");
  std::vector<std::string> reversed(std::make_reverse_iterator(mark), args.rend());
  try {
    app->parse(reversed);
  } catch (const CLI::ArgumentMismatch& e) {
    // "--out: 1 required PLAN.json missing": said as before.
    const std::string what = e.what();
    if (what.find("flag override") != std::string::npos)  // "force was given a ..."
      throw UsageError("option '--" + what.substr(0, what.find(' ')) + "' takes no value");
    throw UsageError("option '" + what.substr(0, what.find(':')) + "' needs a value");
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
  CLI::App* cmd = app->get_subcommands().empty() ? nullptr : app->get_subcommands().front();
  if (cmd && !command_first && !app->remaining().empty()) {
    // A command's own options given before it ("xuna-sync -f m.yaml plan"): parse again
    // with the command first, as the hand-written parser took options anywhere.
    std::vector<std::string> again(args);
    auto at = std::find(again.begin(), again.end(), cmd->get_name());
    std::rotate(again.begin(), at, at + 1);
    return parse(again, true);
  }
  check_leftovers(*app, cmd);
  if (cmd) o.command = cmd->get_name();
  if (mark != args.end()) {
    if (!cmd && mark + 1 != args.end()) throw UsageError("the command goes before '--'");
    o.positional.insert(o.positional.end(), mark + 1, args.end());
  }
  return o;
}

}  // namespace

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] != c[j - 1])});
        diagonal = above;
      }
    }
    if (row[c.size()] < best_distance) {
      best_distance = row[c.size()];
      best = c;
    }
  }
  return best;
}

}  // namespace xs::cli

// The command line through the CLI11 model: parsing into Options, environment bindings,
// usage errors (exit 3 in main) with did-you-mean, and help generated from the model.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"

using namespace xs::cli;

namespace {

Options parse(std::vector<std::string> args) {
  return parse_options(args);
}

std::string usage_error(std::vector<std::string> args) {
  try {
    parse_options(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

// Sets an environment variable for one scope.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    if (old) old_ = old, had_ = true;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() { had_ ? (void)::setenv(name_, old_.c_str(), 1) : (void)::unsetenv(name_); }
  const char* name_;
  std::string old_;
  bool had_ = false;
};

// xs::cli::main with its help (stdout and stderr) kept out of the test's output.
int run_main(std::vector<std::string> args) {
  args.insert(args.begin(), "xuna-sync");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream sink;
  auto* out = std::cout.rdbuf(sink.rdbuf());
  auto* err = std::cerr.rdbuf(sink.rdbuf());
  int code = xs::cli::main(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
  return code;
}

}  // namespace

TEST_CASE("options: a command, its options in both spellings, repeatable -f") {
  Options o = parse({"plan", "-f", "a.yaml", "--file=b.yaml", "-f", "dir/", "--format", "json",
                     "--max-changes=5", "--only", "+1555*", "--only=label:S*",
                     "--detailed-exitcode", "--timeout", "2.5"});
  CHECK(o.command == "plan");
  CHECK(o.files == std::vector<std::string>{"a.yaml", "b.yaml", "dir/"});
  CHECK(o.format == "json");
  CHECK(o.max_changes == 5);
  CHECK(o.only == std::vector<std::string>{"+1555*", "label:S*"});
  CHECK(o.detailed_exitcode);
  CHECK(o.timeout == 2.5);
  CHECK(o.positional.empty());
  CHECK_FALSE(o.max_reassign_percent.has_value());
}

TEST_CASE("options: an option given twice keeps its last value") {
  Options o = parse({"plan", "--format", "json", "--format=text", "--api-url", "http://a",
                     "--api-url", "http://b", "-f", "x", "-f", "y"});
  CHECK(o.format == "text");
  CHECK(o.api_url == "http://b");
  CHECK(o.files == std::vector<std::string>{"x", "y"});
}

TEST_CASE("options: defaults when nothing is given") {
  Options o = parse({"apply"});
  CHECK(o.parallelism == 8);
  CHECK(o.batch_chunk == 1000);
  CHECK(o.timeout == 30);
  CHECK(o.format == "text");
  CHECK(o.log_format == "text");
  CHECK_FALSE(o.max_changes.has_value());
  CHECK_FALSE(o.auto_approve);
  Options none = parse({});
  CHECK(none.command.empty());
}

TEST_CASE("options: positional arguments of apply, state and rollback") {
  Options a = parse({"apply", "-f", "m.yaml", "saved.json", "--auto-approve"});
  CHECK(a.positional == std::vector<std::string>{"saved.json"});
  CHECK(a.files == std::vector<std::string>{"m.yaml"});
  CHECK(a.auto_approve);
  Options s = parse({"state", "copy", "from.db", "postgresql://x@h/db", "--force"});
  CHECK(s.positional == std::vector<std::string>{"copy", "from.db", "postgresql://x@h/db"});
  CHECK(s.force);
  Options r = parse({"rollback", "+15551234567", "--undo", "+15551234568"});
  CHECK(r.positional == std::vector<std::string>{"+15551234567", "+15551234568"});
  CHECK(r.undo);
  Options dash = parse({"rollback", "--", "--all"});
  CHECK(dash.positional == std::vector<std::string>{"--all"});
  CHECK_FALSE(dash.all);
}

TEST_CASE("options: common options before or after the command") {
  Options before = parse({"--log-format", "json", "-q", "history", "--limit", "3"});
  CHECK(before.log_format == "json");
  CHECK(before.quiet);
  CHECK(before.limit == 3);
  Options own = parse({"-f", "m.yaml", "--parallelism", "3", "apply", "--auto-approve"});
  CHECK(own.command == "apply");
  CHECK(own.files == std::vector<std::string>{"m.yaml"});
  CHECK(own.parallelism == 3);
  CHECK(usage_error({"--auto-approve", "history"}) ==
        "option '--auto-approve' does not apply to 'history'");
  Options after = parse({"history", "--log-format=json", "-v", "--state", "s.db"});
  CHECK(after.log_format == "json");
  CHECK(after.verbose);
  CHECK(after.state_path == "s.db");
}

TEST_CASE("options: environment bindings fill what the command line leaves out") {
  ScopedEnv api("XUNA_API_URL", "http://env-xuna:1");
  ScopedEnv twilio("TWILIO_API_URL", "http://env-twilio:2");
  ScopedEnv state("XUNA_SYNC_STATE", "/tmp/env-state.db");
  ScopedEnv origin("XUNA_WEBHOOK_ORIGIN", "https://hooks.example");
  ScopedEnv no_color("NO_COLOR", "whatever");
  Options o = parse({"plan"});
  CHECK(o.api_url == "http://env-xuna:1");
  CHECK(o.twilio_api_url == "http://env-twilio:2");
  CHECK(o.state_path == "/tmp/env-state.db");
  CHECK(o.xuna_webhook_origin == "https://hooks.example");
  CHECK(o.no_color);
  Options flag = parse({"plan", "--api-url", "http://flag:3", "--state=flag.db"});
  CHECK(flag.api_url == "http://flag:3");
  CHECK(flag.state_path == "flag.db");
}

TEST_CASE("options: the API key is never an option") {
  ScopedEnv key("XUNA_API_KEY", "xk_secret_value");
  Options o = parse({"plan"});
  CHECK(o.api_url.empty());
  CHECK_THAT(usage_error({"plan", "--api-key", "xk_1"}),
             Catch::Contains("unknown option '--api-key'"));
}

TEST_CASE("options: unknown options get a did-you-mean, foreign ones name the command") {
  CHECK(usage_error({"plan", "--nope"}) == "unknown option '--nope'");
  CHECK(usage_error({"apply", "--paralellism", "4"}) ==
        "unknown option '--paralellism' (did you mean '--parallelism'?)");
  CHECK(usage_error({"plan", "--detailed-exit-code"}) ==
        "unknown option '--detailed-exit-code' (did you mean '--detailed-exitcode'?)");
  CHECK(usage_error({"history", "--auto-approve"}) ==
        "option '--auto-approve' does not apply to 'history'");
  CHECK(usage_error({"validate", "--api-url=http://x"}) ==
        "option '--api-url=http://x' does not apply to 'validate'");
  CHECK(usage_error({"-x"}) == "unknown option '-x'");
}

TEST_CASE("options: unknown commands get a did-you-mean") {
  CHECK(usage_error({"frobnicate"}) == "unknown command 'frobnicate'");
  CHECK(usage_error({"aply"}) == "unknown command 'aply' (did you mean 'apply'?)");
  CHECK(usage_error({"histroy", "--limit", "2"}) ==
        "unknown command 'histroy' (did you mean 'history'?)");
}

TEST_CASE("options: validators keep the ranges and the enumerations") {
  CHECK(usage_error({"apply", "--parallelism", "0"}) ==
        "--parallelism expects a whole number of at least 1, got '0'");
  CHECK(usage_error({"apply", "--parallelism=x"}) ==
        "--parallelism expects a whole number of at least 1, got 'x'");
  CHECK(usage_error({"plan", "--timeout", "0"}) ==
        "--timeout expects a number of at least 0.1, got '0'");
  CHECK(usage_error({"plan", "--format", "xml"}) ==
        "--format expects text|json|markdown, got 'xml'");
  CHECK(usage_error({"apply", "--format", "markdown"}) ==
        "--format expects text|json, got 'markdown'");
  CHECK(parse({"plan", "--format", "markdown"}).format == "markdown");
  CHECK(usage_error({"plan", "--markdown-max-bytes", "100"}) ==
        "--markdown-max-bytes expects a whole number of at least 1024, got '100'");
  CHECK(parse({"plan", "--markdown-max-bytes", "4096"}).markdown_max_bytes == 4096);
  CHECK(parse({"plan"}).markdown_max_bytes == 65536);
  CHECK(usage_error({"plan", "--log-format", "yaml"}) ==
        "--log-format expects text|json, got 'yaml'");
  CHECK(usage_error({"history", "--limit", "0"}) ==
        "--limit expects a whole number of at least 1, got '0'");
  CHECK(parse({"plan", "--max-changes", "0"}).max_changes == 0);
  CHECK(parse({"plan", "--max-reassign-percent", "12.5"}).max_reassign_percent == 12.5);
}

TEST_CASE("options: a missing value is a usage error") {
  CHECK(usage_error({"plan", "--out"}) == "option '--out' needs a value");
  CHECK(usage_error({"plan", "-f"}) == "option '--file' needs a value");
  CHECK_THROWS_AS(parse_options({"history", "--limit"}), UsageError);
  CHECK(usage_error({"plan", "--force=yes"}) == "option '--force' takes no value");
}

TEST_CASE("options: did-you-mean only for near misses") {
  CHECK(closest("pln", {"plan", "apply"}) == "plan");
  CHECK(closest("zzzzzz", {"plan", "apply"}).empty());
  CHECK(closest("--forse", {"--force", "--format"}) == "--force");
}

TEST_CASE("main: usage errors exit 3, help and version exit 0") {
  CHECK(run_main({"plan", "--nope"}) == 3);
  CHECK(run_main({"frobnicate"}) == 3);
  CHECK(run_main({"history", "--auto-approve"}) == 3);
  CHECK(run_main({"apply", "--parallelism", "0"}) == 3);
  CHECK(run_main({}) == 3);
  CHECK(run_main({"--help"}) == 0);
  CHECK(run_main({"apply", "--help"}) == 0);
  CHECK(run_main({"help", "plan"}) == 0);
  CHECK(run_main({"help", "nope"}) == 3);
  CHECK(run_main({"--version"}) == 0);
  CHECK(run_main({"plan", "--version"}) == 0);
}

TEST_CASE("help: generated from the model, every command and its options") {
  std::string overview = help_text("");
  for (const auto& c : commands())
    CHECK_THAT(overview, Catch::Contains(std::string("  ") + c.name));
  CHECK_THAT(overview, Catch::Contains("--api-url URL"));
  CHECK_THAT(overview, Catch::Contains("(env XUNA_API_URL)"));
  CHECK_THAT(overview, Catch::Contains("(env XUNA_SYNC_STATE)"));
  CHECK_THAT(overview, Catch::Contains("Exit codes:"));
  std::string apply = help_text("apply");
  CHECK(apply.rfind("Usage: xuna-sync apply", 0) == 0);
  CHECK_THAT(apply, Catch::Contains("  --parallelism N"));
  CHECK_THAT(apply, Catch::Contains("  -f, --file PATH"));
  CHECK_THAT(apply, Catch::Contains("Example"));
  CHECK_THAT(apply, Catch::Contains("(env XUNA_WEBHOOK_ORIGIN)"));
  CHECK_THAT(help_text("history"), !Catch::Contains("--parallelism"));
  CHECK_THAT(help_text("validate"), !Catch::Contains("--api-url"));
}

TEST_CASE("options: --exclude is repeatable on plan, apply and rollback, beside --only") {
  Options o = parse({"plan", "--only", "+1555*", "--exclude", "+15551234567", "--exclude",
                     "label:VIP*"});
  CHECK(o.only == std::vector<std::string>{"+1555*"});
  CHECK(o.exclude == std::vector<std::string>{"+15551234567", "label:VIP*"});
  CHECK(parse({"apply", "--exclude=label:Night*"}).exclude ==
        std::vector<std::string>{"label:Night*"});
  CHECK(parse({"rollback", "--all", "--exclude", "+1212*"}).exclude ==
        std::vector<std::string>{"+1212*"});
  CHECK(usage_error({"history", "--exclude", "+1555*"}) ==
        "option '--exclude' does not apply to 'history'");
}

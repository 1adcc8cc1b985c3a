#include "cli/options.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

namespace xs::cli {
namespace {

// One option: its long name, whether it takes a value, where the value goes, which commands
// accept it (empty: every command).
struct Spec {
  std::string name;
  bool takes_value;
  std::function<void(Options&, const std::string&)> set;
  std::set<std::string> commands;
};

int to_int(const std::string& name, const std::string& v, int min) {
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < min || n > 1000000)
    throw UsageError("--" + name + " expects a whole number of at least " + std::to_string(min) +
                     ", got '" + v + "'");
  return static_cast<int>(n);
}

double to_double(const std::string& name, const std::string& v, double min) {
  char* end = nullptr;
  double n = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(n >= min) || n > 1e6)
    throw UsageError("--" + name + " expects a number of at least " + std::to_string(min).substr(0, 3) +
                     ", got '" + v + "'");
  return n;
}

std::string one_of(const std::string& name, const std::string& v, std::set<std::string> allowed) {
  if (!allowed.count(v)) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : "|") + a;
    throw UsageError("--" + name + " expects " + list + ", got '" + v + "'");
  }
  return v;
}

const std::set<std::string> kMapping = {"validate", "plan", "apply", "discover", "rollback"};
const std::set<std::string> kRemote = {"plan", "apply", "discover", "export", "rollback"};

const std::vector<Spec>& specs() {
  static const std::vector<Spec> all = {
      {"file", true, [](Options& o, const std::string& v) { o.files.push_back(v); }, kMapping},
      {"api-url", true, [](Options& o, const std::string& v) { o.api_url = v; }, kRemote},
      {"twilio-api-url", true, [](Options& o, const std::string& v) { o.twilio_api_url = v; }, kRemote},
      {"state", true, [](Options& o, const std::string& v) { o.state_path = v; }, {}},
      {"ca-file", true, [](Options& o, const std::string& v) { o.ca_file = v; }, kRemote},
      {"timeout", true, [](Options& o, const std::string& v) { o.timeout = to_double("timeout", v, 0.1); }, kRemote},
      {"max-rps", true, [](Options& o, const std::string& v) { o.max_rps = to_double("max-rps", v, 0.1); }, kRemote},
      {"log-format", true, [](Options& o, const std::string& v) { o.log_format = one_of("log-format", v, {"text", "json"}); }, {}},
      {"format", true, [](Options& o, const std::string& v) { o.format = one_of("format", v, {"text", "json"}); }, {"plan", "apply", "history", "rollback"}},
      {"out", true, [](Options& o, const std::string& v) { o.out = v; }, {"plan", "discover"}},
      {"metrics-file", true, [](Options& o, const std::string& v) { o.metrics_file = v; }, {"plan", "apply"}},
      {"parallelism", true, [](Options& o, const std::string& v) { o.parallelism = to_int("parallelism", v, 1); }, {"apply", "rollback"}},
      {"max-changes", true, [](Options& o, const std::string& v) { o.max_changes = to_int("max-changes", v, 0); }, {"plan", "apply"}},
      {"max-reassign-percent", true, [](Options& o, const std::string& v) { o.max_reassign_percent = to_double("max-reassign-percent", v, 0); }, {"plan", "apply"}},
      {"only", true, [](Options& o, const std::string& v) { o.only.push_back(v); }, {"plan", "apply"}},
      {"max-imports", true, [](Options& o, const std::string& v) { o.max_imports = to_int("max-imports", v, 0); }, {"plan", "apply"}},
      {"xuna-webhook-origin", true, [](Options& o, const std::string& v) { o.xuna_webhook_origin = v; }, {"plan", "apply"}},
      {"allow-routing-takeover", false, [](Options& o, const std::string&) { o.allow_routing_takeover = true; }, {"plan", "apply"}},
      {"undo", false, [](Options& o, const std::string&) { o.undo = true; }, {"rollback"}},
      {"batch-chunk", true, [](Options& o, const std::string& v) { o.batch_chunk = to_int("batch-chunk", v, 1); }, {"plan", "apply"}},
      {"resubmit", true, [](Options& o, const std::string& v) { o.resubmit = v; }, {"apply"}},
      {"limit", true, [](Options& o, const std::string& v) { o.limit = to_int("limit", v, 1); }, {"history"}},
      {"twilio-account", true, [](Options& o, const std::string& v) { o.twilio_account = v; }, {"discover"}},
      {"auto-approve", false, [](Options& o, const std::string&) { o.auto_approve = true; }, {"apply", "rollback"}},
      {"detailed-exitcode", false, [](Options& o, const std::string&) { o.detailed_exitcode = true; }, {"plan"}},
      {"force", false, [](Options& o, const std::string&) { o.force = true; }, {"plan", "apply", "state", "discover"}},
      {"all", false, [](Options& o, const std::string&) { o.all = true; }, {"discover", "rollback"}},
      {"quiet", false, [](Options& o, const std::string&) { o.quiet = true; }, {}},
      {"verbose", false, [](Options& o, const std::string&) { o.verbose = true; }, {}},
      {"no-color", false, [](Options& o, const std::string&) { o.no_color = true; }, {}},
      {"help", false, [](Options& o, const std::string&) { o.help = true; }, {}},
      {"version", false, [](Options& o, const std::string&) { o.version = true; }, {}},
  };
  return all;
}

const Spec* find_spec(const std::string& name) {
  for (const auto& s : specs())
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  struct Pending {
    const Spec* spec;
    std::string value, as_written;
  };
  std::vector<Pending> given;
  bool only_positional = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positional || a.size() < 2 || a[0] != '-') {
      if (o.command.empty()) {
        o.command = a;
      } else {
        o.positional.push_back(a);
      }
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    std::string name, value;
    bool has_value = false;
    if (a == "-f") {
      name = "file";
    } else if (a == "-h") {
      name = "help";
    } else if (a == "-q") {
      name = "quiet";
    } else if (a == "-v") {
      name = "verbose";
    } else if (a.rfind("--", 0) == 0) {
      name = a.substr(2);
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
    } else {
      throw UsageError("unknown option '" + a + "'");
    }
    const Spec* spec = find_spec(name);
    if (!spec) throw UsageError("unknown option '" + a + "'");
    if (spec->takes_value && !has_value) {
      if (i + 1 >= args.size()) throw UsageError("option '" + a + "' needs a value");
      value = args[++i];
    } else if (!spec->takes_value && has_value) {
      throw UsageError("option '--" + name + "' takes no value");
    }
    given.push_back({spec, value, a});
  }
  for (const auto& g : given) {
    if (!o.command.empty() && !g.spec->commands.empty() && !g.spec->commands.count(o.command))
      throw UsageError("option '" + g.as_written + "' does not apply to '" + o.command + "'");
    g.spec->set(o, g.value);
  }
  return o;
}

}  // namespace xs::cli

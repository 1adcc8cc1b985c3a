#include "cli/context.h"

#include "mapping/normalize.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <tuple>

#include "cli/exit_codes.h"
#include "http/poco_transport.h"
#include "http/proxy.h"
#include "http/rate.h"
#include "http/retry.h"
#include "mapping/load.h"
#include "model/routing.h"
#include "util/clock.h"
#include "util/digest.h"
#include "util/host.h"
#include "util/log.h"
#include "util/parallel.h"
#include "util/printable.h"
#include "xuna/http_client.h"

namespace xs::cli {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The secrets this process knows from its environment, registered for redaction before any
// diagnostic is printed: a side file or a mapping value may quote one.
static void register_known_secrets(const Desired& desired) {
  for (const char* name : {"XUNA_API_KEY", "PGPASSWORD"}) register_secret(Secret(env(name)));
  for (const auto& [name, account] : desired.twilio_accounts) {
    if (!account.auth_token_env.empty())
      register_secret(Secret(env(account.auth_token_env.c_str())));
  }
}

namespace {

LoadOptions load_options(const Options& options) {
  LoadOptions load;
  load.allow_outside_files = options.allow_outside_files;
  return load;
}

}  // namespace

DesiredLoad::DesiredLoad(const Options& options)
    : options_(options), load_(options.files, load_options(options)) {
  // Before the mapping may be moved out: a diagnostic may quote a secret it names.
  register_known_secrets(load_.desired());
  if (!load_.read_ok()) checked();  // throws
}

void DesiredLoad::checked() {
  if (checked_) return;
  checked_ = true;
  const std::vector<Diagnostic> diagnostics = load_.finish();
  int errors = 0;
  for (const auto& d : diagnostics) {
    if (options_.log_format == "json") {
      log(d.warning ? LogLevel::Warn : LogLevel::Error, d.str());
    } else {
      std::cerr << printable(redact(d.str())) << '\n';
    }
    errors += !d.warning;
  }
  if (errors)
    throw CommandError(kInvalid, "the mapping has " + std::to_string(errors) +
                                     (errors == 1 ? " error" : " errors") + "; nothing was done");
}

Desired load_desired(const Options& options) {
  DesiredLoad load(options);
  load.checked();
  return std::move(load.desired());
}

const ProxyEnv& proxy_env() {
  static const ProxyEnv read = read_proxy_env([](const char* name) { return std::getenv(name); });
  return read;
}

TransportOptions transport_options(const Options& options, const std::string& url) {
  TransportOptions t;
  t.base_url = url;
  t.ca_file = options.ca_file;
  t.timeout = options.timeout;
  t.max_idle = std::max(8, options.parallelism * 2);
  auto proxy = proxy_for(proxy_env(), url);
  if (!proxy.ok()) throw CommandError(kInvalid, proxy.error().message);
  t.proxy = proxy.value();
  if (t.proxy) {
    register_secret(t.proxy->password);  // masked in every log line and report from now on
    log_debug("requests to " + url + " go through the proxy " + t.proxy->display());
  }
  return t;
}

// The URL given (by flag or its variable, bound by the command line), else the default;
// without trailing slashes.
static std::string base_url(const std::string& given, const char* fallback) {
  std::string url = !given.empty() ? given : fallback;
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  return url;
}

// One adaptive rate shared by every worker of a transport: unpaced until the server answers
// 429 (then everyone pauses and the rate is cut, growing back slowly), --max-rps a ceiling.
static std::shared_ptr<AdaptiveRate> shared_rate(const Options& options) {
  AdaptiveRateOptions ro;
  ro.ceiling = options.max_rps;
  ro.initial = 0;  // nobody told us the limit: do not slow a server that has none
  ro.deadline = options.deadline_at;
  return std::make_shared<AdaptiveRate>(ro, system_clock());
}

// Wraps a raw transport in the shared rate and the retry policy.
static std::shared_ptr<Transport> resilient(std::shared_ptr<Transport> raw, const Options& options) {
  auto rate = shared_rate(options);
  raw = std::make_shared<AdaptiveRateTransport>(raw, rate);
  RetryPolicy policy;
  policy.max_total = std::max(policy.max_total, options.timeout * 2);
  policy.deadline = options.deadline_at;
  auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto random01 = [rng] { return std::uniform_real_distribution<double>(0, 1)(*rng); };
  return std::make_shared<RetryingTransport>(raw, policy, system_clock(), random01, rate);
}

Remote connect_xuna(const Options& options) {
  Remote r;
  r.url = base_url(options.api_url, "https://api.xuna.ai");
  Secret key(env("XUNA_API_KEY"));
  if (key.empty())
    throw CommandError(kInvalid, "XUNA_API_KEY is not set: export the XUNA API key in the "
                                 "environment (it is never taken as a flag)");
  r.key_fingerprint = key_fingerprint(key.reveal());
  auto raw = make_http_transport(transport_options(options, r.url));
  if (!raw.ok()) throw CommandError(kInvalid, raw.error().message);
  r.transport = resilient(raw.value(), options);
  r.api = make_xuna_client(r.transport, std::move(key));
  return r;
}

std::future<Remote> connect_xuna_async(const Options& options) {
  return beside([&options] { return connect_xuna(options); });
}

std::unique_ptr<TwilioApi> connect_twilio(const Options& options, bool retry) {
  const std::string url = base_url(options.twilio_api_url, "https://api.twilio.com");
  auto raw = make_http_transport(transport_options(options, url));
  if (!raw.ok()) throw CommandError(kInvalid, "Twilio API: " + raw.error().message);
  if (!retry) {
    std::shared_ptr<Transport> once = raw.value();
    once = std::make_shared<AdaptiveRateTransport>(once, shared_rate(options));
    return make_twilio_client(once);
  }
  return make_twilio_client(resilient(raw.value(), options));
}

TwilioApi& EnvTwilio::api(bool once) {
  std::unique_ptr<TwilioApi>& api = once ? once_ : api_;
  if (!api) api = connect_twilio(options_, /*retry=*/!once);
  return *api;
}

std::map<std::string, TwilioCredentials> twilio_credentials(const Desired& desired,
                                                            const std::set<std::string>& accounts) {
  std::map<std::string, TwilioCredentials> out;
  for (const auto& name : accounts) {
    auto it = desired.twilio_accounts.find(name);
    if (it == desired.twilio_accounts.end()) continue;
    const TwilioAccount& a = it->second;
    TwilioCredentials c;
    c.account_sid = a.account_sid;
    if (c.account_sid.empty()) {
      c.account_sid = env(a.account_sid_env.c_str());
      if (c.account_sid.empty())
        throw CommandError(kInvalid, a.loc.str() + ": environment variable " + a.account_sid_env +
                                         " (account_sid_env of Twilio account '" + name +
                                         "') is not set");
    }
    c.auth_token = Secret(env(a.auth_token_env.c_str()));
    if (c.auth_token.empty())
      throw CommandError(kInvalid, a.loc.str() + ": environment variable " + a.auth_token_env +
                                       " (auth_token_env of Twilio account '" + name +
                                       "') is not set");
    out.emplace(name, std::move(c));
  }
  return out;
}

std::string state_path(const Options& options) {
  return !options.state_path.empty() ? options.state_path : ".xuna-sync/state.db";
}

namespace {

// Not a file path: a URI, a keyword=value connection string, or neither (refused when opened).
bool is_database_uri(const std::string& location) {
  return location.find("://") != std::string::npos || location.find('=') != std::string::npos;
}

}  // namespace

std::unique_ptr<state::Store> open_state(const Options& options, state::OpenMode mode) {
  try {
    return state::open_store(state_path(options), mode);
  } catch (const state::InvalidLocation& e) {
    throw CommandError(kInvalid, e.what());
  } catch (const state::StateError& e) {
    throw CommandError(kFailed, e.what());
  }
}

std::future<std::unique_ptr<state::Store>> open_state_async(const Options& options,
                                                             state::OpenMode mode) {
  return beside([&options, mode] { return open_state(options, mode); });
}

bool state_exists(const Options& options) {
  const std::string location = state_path(options);
  struct stat st {};
  return is_database_uri(location) || ::stat(location.c_str(), &st) == 0;
}

sync::Identity this_process() {
  sync::Identity id;
  id.pid = static_cast<int>(::getpid());
  id.host = host_name();
  id.pid_alive = [](int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); };
  return id;
}

std::string xuna_origin(const Options& options, const std::string& api_url) {
  const std::string& given = options.xuna_webhook_origin;
  if (given.empty()) return url_origin(api_url);
  std::string origin = url_origin(given);
  if (origin.empty())
    throw CommandError(kInvalid, "--xuna-webhook-origin " + given + ": not an http(s) URL");
  return origin;
}

sync::GatherOptions gather_options(const Options& options, const std::string& api_url) {
  sync::GatherOptions g;
  g.plan.batch_chunk = options.batch_chunk;
  if (!options.resubmit.empty()) g.plan.resubmit.insert(options.resubmit);
  g.plan.xuna_origin = xuna_origin(options, api_url);
  g.plan.allow_routing_takeover = options.allow_routing_takeover;
  g.plan.selection = selection(options);
  g.plan.selection.max_imports = options.max_imports;
  g.normalize_number = mapping::normalize_e164;  // XUNA's list, read as the mapping is
  for (const auto& f : options.files.empty() ? std::vector<std::string>{"mappings"} : options.files)
    g.sources.push_back(std::filesystem::absolute(f).lexically_normal().string());
  return g;
}

Selection selection(const Options& options) {
  Selection s;
  for (const auto& [flag, given, into] :
       {std::tuple{"--only", &options.only, &s.only},
        std::tuple{"--exclude", &options.exclude, &s.exclude}}) {
    for (const auto& p : *given) {
      if (!valid_selection_pattern(p))
        throw UsageError(std::string(flag) + " " + p + ": expected an E.164 number, a glob on "
                         "the number (+1555123*) or label:GLOB");
      into->push_back(p);
    }
  }
  s.max_imports = options.max_imports;
  return s;
}

GuardOptions guard_options(const Options& options) {
  GuardOptions g;
  g.max_changes = options.max_changes;
  if (options.max_reassign_percent) {  // an explicit bound applies at any size
    g.max_reassign_percent = *options.max_reassign_percent;
    g.reassign_min_assigned = 1;
  }
  g.force = options.force;
  return g;
}

}  // namespace xs::cli

#pragma once
// What several commands need: the mapping, the API connection, credentials, the state file.
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "apply/apply.h"
#include "cli/options.h"
#include "http/transport.h"
#include "mapping/load.h"
#include "model/desired.h"
#include "plan/guards.h"
#include "state/store.h"
#include "sync/gather.h"
#include "sync/lock.h"
#include "sync/twilio_source.h"
#include "twilio/client.h"
#include "xuna/api.h"

namespace xs::cli {

// Loads and validates the mapping; prints every diagnostic on stderr; CommandError(3) if any
// is an error.
Desired load_desired(const Options& options);

// load_desired in two steps, for apply: the mapping read and merged, its numbers still being
// checked (on other cores) while the run takes its lock and asks Twilio for its list.
class DesiredLoad {
 public:
  // Reads and merges; a mapping whose files already have errors ends here, as load_desired.
  explicit DesiredLoad(const Options& options);
  Desired& desired() { return load_.desired(); }  // may be moved out before checked()
  // Waits for the checks, prints every diagnostic, CommandError(3) if any is an error; once:
  // called again, it does nothing.
  void checked();

 private:
  const Options& options_;
  MappingLoad load_;
  bool checked_ = false;
};

// The XUNA API: URL, key fingerprint, and a client with retries and the --max-rps limit.
struct Remote {
  std::string url;
  std::string key_fingerprint;
  std::shared_ptr<Transport> transport;
  std::unique_ptr<XunaApi> api;
};

// Connects to --api-url / XUNA_API_URL / the default with the key from XUNA_API_KEY.
// CommandError(3) when the key is missing or the URL or CA file is bad.
Remote connect_xuna(const Options& options);
// connect_xuna on a thread of its own, for a command that reads the mapping meanwhile: the key's
// fingerprint is OpenSSL's first work in the process (~2 ms of its set-up, issue 23). Its
// errors come out of get(). options must outlive the future.
std::future<Remote> connect_xuna_async(const Options& options);

// Credentials of the named Twilio accounts from the environment variables the mapping names.
// CommandError(3) naming the variable (never a value) when one is unset.
std::map<std::string, TwilioCredentials> twilio_credentials(const Desired& desired,
                                                            const std::set<std::string>& accounts);

// The Twilio API at --twilio-api-url / TWILIO_API_URL / https://api.twilio.com, with the
// --max-rps limit and, unless retry is false, retries. CommandError(3) when the URL or CA file
// is bad.
std::unique_ptr<TwilioApi> connect_twilio(const Options& options, bool retry = true);

// Twilio as the engine sees it: credentials from the environment variables the mapping names,
// the API at --twilio-api-url, connected on first use.
class EnvTwilio final : public sync::TwilioSource {
 public:
  explicit EnvTwilio(const Options& options) : options_(options) {}
  std::map<std::string, TwilioCredentials> credentials(
      const Desired& desired, const std::set<std::string>& accounts) override {
    return twilio_credentials(desired, accounts);
  }
  TwilioApi& api(bool once = false) override;

 private:
  const Options& options_;
  std::unique_ptr<TwilioApi> api_, once_;
};

// --state, XUNA_SYNC_STATE, or .xuna-sync/state.db: a path or a postgresql:// URI.
std::string state_path(const Options& options);

// Opens the state; CommandError(1) with the reason (never a password) when it cannot be.
std::unique_ptr<state::Store> open_state(const Options& options,
                                         state::OpenMode mode = state::OpenMode::ReadWrite);
// open_state on a thread of its own, for a command that has other work meanwhile (reading the
// mapping); its errors come out of get(). options must outlive the future.
std::future<std::unique_ptr<state::Store>> open_state_async(
    const Options& options, state::OpenMode mode = state::OpenMode::ReadWrite);

// True when the state named by the options exists (a path that is there, or any database).
bool state_exists(const Options& options);

// This process, for the lock.
sync::Identity this_process();

// Where Twilio must send calls after a cut-over: --xuna-webhook-origin, XUNA_WEBHOOK_ORIGIN,
// or the scheme, host and port of the API URL.
std::string xuna_origin(const Options& options, const std::string& api_url);

// The planner's options from the command line (--resubmit, --batch-chunk, --only,
// --max-imports, --allow-routing-takeover) and the mapping sources for the plan header.
sync::GatherOptions gather_options(const Options& options, const std::string& api_url);

// --only, --exclude (UsageError for a malformed pattern) and --max-imports.
Selection selection(const Options& options);

// The guard options from the command line.
GuardOptions guard_options(const Options& options);

// An environment variable, or empty.
std::string env(const char* name);

// The proxy variables of the environment (http/proxy.h), read once.
const ProxyEnv& proxy_env();

// The transport options common to XUNA and Twilio, with the proxy the environment names for
// url (CommandError(3) for a malformed one; its password is registered for masking).
TransportOptions transport_options(const Options& options, const std::string& url);

}  // namespace xs::cli

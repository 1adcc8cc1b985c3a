#pragma once
// What several commands need: the mapping, the API connection, credentials, the state file.
#include <map>
#include <memory>
#include <set>
#include <string>

#include "apply/apply.h"
#include "cli/options.h"
#include "http/transport.h"
#include "model/desired.h"
#include "twilio/client.h"
#include "xuna/api.h"

namespace xs::cli {

// Loads and validates the mapping; prints every diagnostic on stderr; CommandError(3) if any
// is an error.
Desired load_desired(const Options& options);

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

// Credentials of the named Twilio accounts from the environment variables the mapping names.
// CommandError(3) naming the variable (never a value) when one is unset.
std::map<std::string, TwilioCredentials> twilio_credentials(const Desired& desired,
                                                            const std::set<std::string>& accounts);

// The Twilio API at --twilio-api-url / TWILIO_API_URL / https://api.twilio.com, with the
// --max-rps limit and, unless retry is false, retries. CommandError(3) when the URL or CA file
// is bad.
std::unique_ptr<TwilioApi> connect_twilio(const Options& options, bool retry = true);

// The Basic credentials that list an account's numbers: its API key when the mapping names
// one, else its SID; the secret from the credentials.
TwilioAuth twilio_auth(const TwilioAccount& account, const TwilioCredentials& credentials);

// --state, XUNA_SYNC_STATE, or .xuna-sync/state.db.
std::string state_path(const Options& options);

// An environment variable, or empty.
std::string env(const char* name);

// The transport options common to XUNA and Twilio.
TransportOptions transport_options(const Options& options, const std::string& url);

}  // namespace xs::cli

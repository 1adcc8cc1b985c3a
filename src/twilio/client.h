#pragma once
// Twilio's IncomingPhoneNumbers list as the tool uses it (the numbers an account owns), behind
// an interface: planning and discover run against this, tests against a fake. No Poco here.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "http/errors.h"
#include "http/transport.h"
#include "model/routing.h"
#include "util/clock.h"
#include "util/secret.h"

namespace xs {

struct OwnedNumber {
  std::string phone_number;  // E.164, as Twilio lists it
  std::string friendly_name;
  std::string sid;        // PN...
  TwilioRouting routing;  // where its calls go now (routing.sid == sid)
};

// Who asks: the account (by its mapping name, for messages) and the HTTP Basic credentials.
struct TwilioAuth {
  std::string account;      // name under twilio_accounts
  std::string account_sid;  // AC...: the account whose numbers are listed
  std::string username;     // the account SID, or an API key SID (SK...)
  Secret password;          // auth token, or the API key's secret
  std::string secret_env;   // the variable the secret came from, named in a 401 message
  std::size_t mapped = 0;   // numbers the mapping gives the account: a hint of its list's size
};

// The error of a list given up before it was asked for (TwilioApi::list_owned with abandon).
ApiError abandoned_list(const TwilioAuth& auth);

class TwilioApi {
 public:
  virtual ~TwilioApi() = default;
  // Every number the account owns: GET .../IncomingPhoneNumbers.json, PageSize=1000,
  // following next_page_uri to the end, within the client's TwilioListLimits. Errors name the
  // account, never the secret.
  virtual Result<std::vector<OwnedNumber>> list_owned(const TwilioAuth& auth) = 0;
  // The same, given up before any page once `abandon` is set (a Transient error saying so):
  // a list asked for in advance costs at most the page in flight when it is not needed.
  virtual Result<std::vector<OwnedNumber>> list_owned(const TwilioAuth& auth,
                                                      const std::atomic<bool>& abandon) {
    if (abandon.load()) return abandoned_list(auth);
    return list_owned(auth);
  }
  // One number: GET .../IncomingPhoneNumbers/{sid}.json; a 404 is ErrorKind::NotFound, an
  // answer for another sid is ErrorKind::Invalid.
  virtual Result<OwnedNumber> get_number(const TwilioAuth& auth, const std::string& sid) = 0;
  // Sets the number's voice routing to `routing` with Twilio's form-encoded update,
  // POST .../IncomingPhoneNumbers/{sid}.json: URLs and the two sids always (an empty value
  // clears), methods and receive mode only when not empty. Answers the number as Twilio has it
  // now. A 404 (deleted, or moved to another account) is ErrorKind::NotFound; a 5xx is
  // Transient and maybe_committed (asking again is safe: the same values). Errors never quote
  // the form or a webhook password.
  virtual Result<OwnedNumber> update_routing(const TwilioAuth& auth, const std::string& sid,
                                             const TwilioRouting& routing) = 0;
};

// Bounds on one account's list (issue 13): a list whose pages never end stops with an error
// naming the account and the limit, whatever the server answers.
struct TwilioListLimits {
  int max_pages = 10000;       // pages per list (1000 numbers a page when Twilio is sane)
  long max_numbers = 1000000;  // numbers per account
  double max_seconds = 600;    // the whole list, from its first request (checked between pages)
  Clock* clock = nullptr;      // null: the system's
};

// The client over a transport whose base URL is Twilio's (https://api.twilio.com).
std::unique_ptr<TwilioApi> make_twilio_client(std::shared_ptr<Transport> transport,
                                              TwilioListLimits limits = {});

// "Twilio account 'main' (AC...): 401 Authenticate (code 20003, <more_info>)": a non-2xx
// answer to `method target`, with Twilio's error body {code, message, more_info, status} when
// there is one. The auth secret is masked; the caller masks anything else it sent.
ApiError twilio_error(const TwilioAuth& auth, const std::string& method, const std::string& target,
                      const HttpResponse& response);

}  // namespace xs

#pragma once
// What the engine needs of Twilio, handed to it (cf. ninja's Builder and its DiskInterface):
// the accounts' credentials and the API. The command line wires the real ones; tests a fake.
#include <map>
#include <set>
#include <string>

#include "apply/apply.h"
#include "model/desired.h"
#include "twilio/client.h"

namespace xs::sync {

class TwilioSource {
 public:
  virtual ~TwilioSource() = default;
  // The credentials of these accounts; throws (naming the variable, never a value) when one
  // is not at hand.
  virtual std::map<std::string, TwilioCredentials> credentials(
      const Desired& desired, const std::set<std::string>& accounts) = 0;
  // The Twilio API with retries, or (once) one attempt per request, for the early list. Made
  // on first use: a run that never asks Twilio never needs its URL to be right.
  virtual TwilioApi& api(bool once = false) = 0;
};

// The Basic credentials that list an account's numbers: its API key when the mapping names
// one, else its SID; the secret from the credentials.
TwilioAuth twilio_auth(const TwilioAccount& account, const TwilioCredentials& credentials);

}  // namespace xs::sync

#pragma once
// Twilio's HTTP Basic credentials, and masking them (private to src/twilio).
#include <string>

#include "twilio/client.h"

namespace xs {

// base64("username:password") on one line: the value of "Authorization: Basic ...".
std::string basic_credentials(const TwilioAuth& auth);

// text with the Basic value masked first (a server may quote the header), then the secret.
std::string hide_auth(const TwilioAuth& auth, std::string text);

}  // namespace xs

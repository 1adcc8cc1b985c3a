#pragma once
// Twilio's update of a number's voice routing as a form, and the secrets that form carries
// (private to src/twilio).
#include <string>
#include <vector>

#include "model/routing.h"

namespace xs {

// The application/x-www-form-urlencoded body of POST .../IncomingPhoneNumbers/{Sid}.json:
// VoiceUrl, VoiceFallbackUrl, StatusCallback, VoiceApplicationSid and TrunkSid always (empty
// clears), VoiceMethod, VoiceFallbackMethod, StatusCallbackMethod and VoiceReceiveMode only when
// not empty, in that (Twilio's) order. Holds URL passwords: never logged.
std::string routing_form(const TwilioRouting& routing);

// The passwords in the routing's webhook URLs, each as written in the URL, percent-decoded and
// form-encoded (what an answer may quote back); none empty.
std::vector<std::string> url_passwords(const TwilioRouting& routing);

}  // namespace xs

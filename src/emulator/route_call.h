#pragma once
// Where Twilio sends an inbound call to a number (issue 22), by Twilio's rules: a trunk, then a
// voice application, then the voice URL; when the voice URL answers with an error or not at all,
// the voice fallback URL ("The URL that we should call when an error occurs retrieving or
// executing the TwiML requested by `url`"), and with none, nothing (Twilio's "an application
// error has occurred").
#include <string>

#include "emulator/twilio_routing.h"

namespace xs::emu {

struct CallRoute {
  std::string reaches;  // xuna | webhook | fallback | application | trunk | nothing
  std::string url;      // webhook, fallback (and xuna): the URL called
  std::string sid;      // application, trunk
};

// xunaUrl: XUNA's webhook (an import points numbers at it); any URL whose path ends with
// /twilio/inbound_call counts too. xunaAnswers: whether XUNA's webhook answers with TwiML; any
// other webhook is taken to answer.
CallRoute routeCall(const NumberRouting& routing, const std::string& xunaUrl, bool xunaAnswers);

}  // namespace xs::emu

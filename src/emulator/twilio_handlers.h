// Twilio's IncomingPhoneNumbers for the fixture's accounts (HTTP Basic auth): the paged list,
// one number (GET) and its routing update (form POST); and the inbound-call webhook an
// import points numbers at.
#pragma once

#include "emulator/exchange.h"
#include "emulator/world.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace xs::emu {

// True when path belongs to the emulated Twilio API (/2010-04-01/...).
bool isTwilioPath(const std::string& path);

// Renders each of the account's numbers as its list item (TwilioNumber::json), at load; a
// routing change marks one stale and the next read renders it again.
void renderNumbers(TwilioAccount& account);

// A Twilio number as the admin endpoints show it: account_sid, sid, phone_number,
// friendly_name and the routing fields (null when empty). Requires World::lock().
Poco::JSON::Object::Ptr adminTwilioItem(const TwilioAccount& account, const TwilioNumber& n);

// Answers one Twilio API request (takes World::lock() itself).
Response handleTwilio(World& world, const ApiRequest& req);

// True for /twilio/inbound_call, the webhook an import points Twilio numbers at.
bool isInboundCallPath(const std::string& path);

// Answers Twilio's call webhook (GET or POST, no auth) with a tiny TwiML document.
Response handleInboundCall(const ApiRequest& req);

}  // namespace xs::emu

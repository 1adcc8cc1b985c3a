// Twilio's IncomingPhoneNumbers list (GET, HTTP Basic auth, paged) for the fixture's accounts.
#pragma once

#include "emulator/exchange.h"
#include "emulator/world.h"

#include <string>

namespace xs::emu {

// True when path belongs to the emulated Twilio API (/2010-04-01/...).
bool isTwilioPath(const std::string& path);

// Renders each of the account's numbers as its list item (TwilioNumber::json), once: the
// numbers do not change after the fixture is loaded.
void renderNumbers(TwilioAccount& account);

// Answers one Twilio API request; reads only the world's read-only configuration.
Response handleTwilio(const World& world, const ApiRequest& req);

}  // namespace xs::emu

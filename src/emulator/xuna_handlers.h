// The XUNA phone-number API: list, import, assign, batch calls (auth, validation,
// idempotency). Everything that is not Twilio and not admin lands here.
#pragma once

#include "emulator/exchange.h"
#include "emulator/faults.h"
#include "emulator/world.h"

#include <Poco/JSON/Object.h>

namespace xs::emu {

// A number as GET /v1/convai/phone-numbers lists it (honours the fixture's list_shape).
Poco::JSON::Object::Ptr numberListItem(const World& world, const XunaNumber& n);

// Renders every number's list item once, so the first list is as fast as the next ones.
void warmListCache(World& world);

// Answers one XUNA API request (404/405 for unknown paths and methods); faults says whether
// Idempotency-Key is honoured and how an accepted batch is answered.
Response handleXuna(World& world, const ApiRequest& req, const FaultConfig& faults);

}  // namespace xs::emu

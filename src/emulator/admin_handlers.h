// Admin endpoints under /_emulator/ for tests: request log, numbers behind the tool's back,
// Twilio routing changed as in the Twilio console, batches, stats, run-time fault settings.
// No auth, no faults, not logged.
#pragma once

#include "emulator/exchange.h"
#include "emulator/services.h"

#include <string>

namespace xs::emu {

// True when path is an admin path (/_emulator or below).
bool isAdminPath(const std::string& path);

// Answers one admin request.
Response handleAdmin(Services& services, const ApiRequest& req);

}  // namespace xs::emu

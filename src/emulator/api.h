// The pipeline every API (non-admin) request goes through: sequence number, latency,
// rate limit, random errors, the handler, the request log, and the drop/slow verdict.
#pragma once

#include "emulator/exchange.h"
#include "emulator/services.h"

namespace xs::emu {

struct ApiOutcome {
  Response response;
  bool drop = false;  // committed; close the connection without answering
  int slowMs = 0;     // committed; answer after this delay
};

// Serves one API request; bodyTooLarge short-circuits to 413 (still logged).
ApiOutcome serveApi(Services& services, const ApiRequest& req, bool bodyTooLarge);

}  // namespace xs::emu

// What every request handler may reach: the world, the request log, the fault injector,
// and a probe of the HTTP server's connection count.
#pragma once

#include "emulator/faults.h"
#include "emulator/request_log.h"
#include "emulator/world.h"

#include <functional>

namespace xs::emu {

struct Services {
  World& world;
  RequestLog& log;
  Faults& faults;
  std::function<int()> totalConnections;  // set before the server starts accepting
};

}  // namespace xs::emu

// Loading the fixture file (JSON) into a World.
#pragma once

#include "emulator/world.h"

#include <stdexcept>
#include <string>

namespace xs::emu {

struct FixtureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads the fixture at path into world; throws FixtureError naming the file and the bad key.
void loadFixture(const std::string& path, World& world);

}  // namespace xs::emu

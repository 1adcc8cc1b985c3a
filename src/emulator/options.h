// The command line of xuna-emulator.
#pragma once

#include "emulator/faults.h"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace xs::emu {

struct Options {
  std::string fixture;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = ephemeral
  std::string portFile;
  std::string logFile;
  std::string tlsCert;
  std::string tlsKey;
  FaultConfig faults;
  std::string publicOrigin;   // http(s)://host[:port] imports point Twilio at; "" = listen address
  bool twilioRepoint = true;  // false: imports leave Twilio routing alone
  bool help = false;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses argv ("--flag value" or "--flag=value"); throws UsageError on anything wrong.
Options parseOptions(int argc, char** argv);

// The --help text.
std::string usage();

}  // namespace xs::emu

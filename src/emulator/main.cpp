// xuna-emulator: options, fixture, server start, the "listening" line and port file,
// then wait for SIGTERM/SIGINT and stop cleanly.
#include "emulator/faults.h"
#include "emulator/fixture.h"
#include "emulator/options.h"
#include "emulator/request_log.h"
#include "emulator/server.h"
#include "emulator/services.h"
#include "emulator/world.h"
#include "emulator/xuna_handlers.h"

#include <Poco/Exception.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <pthread.h>
#include <unistd.h>

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 1;

int fail(int code, const std::string& message) {
  std::cerr << "xuna-emulator: error: " << message << std::endl;
  return code;
}

// Writes the port to path atomically (temp file + rename); false on failure.
bool writePortFile(const std::string& path, std::uint16_t port) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!(out << port << '\n') || !out.flush()) return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// RAII for Poco's OpenSSL initialisation.
struct SslLibrary {
  SslLibrary() { Poco::Net::initializeSSL(); }
  ~SslLibrary() { Poco::Net::uninitializeSSL(); }
};

}  // namespace

int main(int argc, char** argv) {
  using namespace xs::emu;

  // Block the stop signals before any thread exists, so only sigwait() below sees them.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Options options;
  try {
    options = parseOptions(argc, argv);
  } catch (const UsageError& e) {
    return fail(kExitUsage, e.what());
  }
  if (options.help) {
    std::cout << usage();
    return 0;
  }

  for (const auto& file : {options.tlsCert, options.tlsKey}) {
    if (!file.empty() && !std::ifstream(file)) return fail(kExitUsage, "cannot read " + file);
  }

  World world;
  try {
    loadFixture(options.fixture, world);
    warmListCache(world);
  } catch (const std::exception& e) {
    return fail(kExitUsage, e.what());
  }

  std::unique_ptr<RequestLog> log;
  try {
    log = std::make_unique<RequestLog>(options.logFile);
  } catch (const std::exception& e) {
    return fail(kExitUsage, e.what());
  }
  Faults faults(options.faults);
  Services services{world, *log, faults, nullptr};
  SslLibrary ssl;

  std::unique_ptr<EmulatorServer> server;
  try {
    server = std::make_unique<EmulatorServer>(options, services);
  } catch (const Poco::Net::SSLException& e) {
    return fail(kExitUsage, "TLS setup failed: " + e.displayText());
  } catch (const Poco::Exception& e) {
    return fail(kExitRuntime, "cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                                  e.displayText());
  }
  if (options.twilioRepoint) {
    const std::string origin = options.publicOrigin.empty() ? server->url() : options.publicOrigin;
    world.inboundCallUrl = origin + "/twilio/inbound_call";
  }
  server->start();

  if (!options.portFile.empty() && !writePortFile(options.portFile, server->port())) {
    server->stop();
    return fail(kExitUsage, "cannot write port file " + options.portFile);
  }
  std::cout << "xuna-emulator listening on " << server->url() << std::endl;  // endl flushes

  int signal = 0;
  sigwait(&stopSignals, &signal);
  server->stop();
  return 0;
}

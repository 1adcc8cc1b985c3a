// The Poco HTTP(S) server: binds, runs the Router on a 64-thread pool, stops on request.
#pragma once

#include "emulator/options.h"
#include "emulator/services.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <cstdint>
#include <memory>

namespace xs::emu {

class EmulatorServer {
 public:
  // Builds the TLS context (if asked) and binds host:port; throws Poco::Exception on failure.
  EmulatorServer(const Options& options, Services& services);
  ~EmulatorServer();

  // Starts accepting connections.
  void start();
  // Stops accepting, aborts open connections and waits for the worker threads.
  void stop();
  // The bound port (the real one when --port 0).
  std::uint16_t port() const { return port_; }
  // Connections accepted so far.
  int totalConnections() const { return server_->totalConnections(); }
  // "http://host:port" or "https://host:port".
  std::string url() const;

 private:
  Poco::ThreadPool pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::string host_;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  bool running_ = false;
};

}  // namespace xs::emu

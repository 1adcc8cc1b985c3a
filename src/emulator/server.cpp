#include "emulator/server.h"

#include "emulator/router.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace xs::emu {

namespace {
constexpr int kMaxThreads = 64;
constexpr int kMaxQueued = 1024;
constexpr int kBacklog = 1024;
}  // namespace

EmulatorServer::EmulatorServer(const Options& options, Services& services)
    : pool_(2, kMaxThreads), host_(options.host), tls_(!options.tlsCert.empty()) {
  Poco::Net::SocketAddress address(options.host, options.port);
  Poco::Net::ServerSocket socket;
  if (tls_) {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, options.tlsKey, options.tlsCert, "", Poco::Net::Context::VERIFY_NONE);
    socket = Poco::Net::SecureServerSocket(context);
  }
  socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);  // a taken port must fail
  socket.listen(kBacklog);
  port_ = socket.address().port();

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);  // unlimited
  params->setKeepAliveTimeout(Poco::Timespan(15, 0));
  params->setTimeout(Poco::Timespan(30, 0));
  params->setMaxThreads(kMaxThreads);
  params->setMaxQueued(kMaxQueued);
  params->setServerName("xuna-emulator");
  params->setSoftwareVersion("xuna-emulator");
  server_ = std::make_unique<Poco::Net::HTTPServer>(new RouterFactory(services), pool_, socket, params);
  services.totalConnections = [this] { return server_->totalConnections(); };
}

EmulatorServer::~EmulatorServer() { stop(); }

void EmulatorServer::start() {
  server_->start();
  running_ = true;
}

void EmulatorServer::stop() {
  if (!running_) return;
  running_ = false;
  server_->stopAll(true);
  pool_.joinAll();
}

std::string EmulatorServer::url() const {
  return std::string(tls_ ? "https" : "http") + "://" + host_ + ":" + std::to_string(port_);
}

}  // namespace xs::emu

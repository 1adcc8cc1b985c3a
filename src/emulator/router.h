// The Poco request handler: turns an HTTP request into an ApiRequest, sends admin paths to
// the admin handlers and everything else through the API pipeline, then writes (or drops).
#pragma once

#include "emulator/services.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace xs::emu {

class Router : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Router(Services& services) : services_(services) {}
  // Answers one request; never throws, never lets Poco write its own error page.
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

 private:
  Services& services_;
};

class RouterFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RouterFactory(Services& services) : services_(services) {}
  // A Router for every request.
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Router(services_);
  }

 private:
  Services& services_;
};

}  // namespace xs::emu

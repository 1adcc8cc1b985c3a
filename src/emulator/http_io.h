// Reading request bodies and writing responses with Poco's HTTP server objects.
#pragma once

#include "emulator/exchange.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstddef>
#include <string>

namespace xs::emu {

constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;
constexpr std::size_t kMaxDrainBytes = 64 * 1024 * 1024;

enum class BodyRead {
  Ok,                 // the whole body is in out
  TooLarge,           // over the limit; the rest was read and discarded (connection reusable)
  TooLargeUndrained,  // over the limit and too big to drain: close the connection after answering
};

// Reads the whole body into out, up to limit bytes; a larger body is discarded (drained up to
// kMaxDrainBytes so the client can read the 413 answer instead of a reset).
BodyRead readBody(Poco::Net::HTTPServerRequest& request, std::string& out, std::size_t limit);

// Writes r with Content-Length (and a JSON content type when it has a body).
void writeResponse(Poco::Net::HTTPServerResponse& response, const Response& r);

// Closes the connection without writing anything (the client sees an empty reply).
void dropConnection(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

}  // namespace xs::emu

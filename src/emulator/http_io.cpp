#include "emulator/http_io.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include <istream>

namespace xs::emu {

BodyRead readBody(Poco::Net::HTTPServerRequest& request, std::string& out, std::size_t limit) {
  if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(kMaxDrainBytes)) {
    return BodyRead::TooLargeUndrained;
  }
  std::istream& in = request.stream();
  std::size_t total = 0;
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    std::streamsize got = in.gcount();
    if (got <= 0) break;
    total += static_cast<std::size_t>(got);
    if (total > kMaxDrainBytes) return BodyRead::TooLargeUndrained;
    if (total <= limit) out.append(buf, static_cast<std::size_t>(got));
  }
  if (total > limit) {
    out.clear();
    return BodyRead::TooLarge;
  }
  return BodyRead::Ok;
}

void writeResponse(Poco::Net::HTTPServerResponse& response, const Response& r) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
  if (!r.body.empty()) response.setContentType("application/json");
  for (const auto& [name, value] : r.headers) response.set(name, value);
  response.sendBuffer(r.body.data(), r.body.size());  // sets Content-Length
}

void dropConnection(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  response.setKeepAlive(false);  // Poco ends the connection loop instead of reading another request
  auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
  try {
    socket.shutdown();  // FIN (and close_notify under TLS): the client reads an empty reply
  } catch (...) {
  }
}

}  // namespace xs::emu

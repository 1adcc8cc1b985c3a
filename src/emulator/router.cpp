#include "emulator/router.h"

#include "emulator/admin_handlers.h"
#include "emulator/api.h"
#include "emulator/http_io.h"
#include "emulator/json_util.h"

#include <Poco/URI.h>

#include <chrono>
#include <thread>

namespace xs::emu {

namespace {

// Fills the request-line, header and body parts of an ApiRequest.
bool readRequest(Poco::Net::HTTPServerRequest& request, ApiRequest& req, bool& bodyTooLarge, bool& keepAlive) {
  try {
    Poco::URI uri(request.getURI());
    req.path = uri.getPath();
    req.rawQuery = uri.getRawQuery();
  } catch (...) {
    return false;
  }
  req.method = request.getMethod();
  if (request.has("xi-api-key")) {
    req.hasApiKey = true;
    req.apiKey = request.get("xi-api-key");
  }
  req.authorization = request.get("Authorization", "");
  req.contentType = request.get("Content-Type", "");
  req.idempotencyKey = request.get("Idempotency-Key", "");
  req.hasIdempotencyKey = !req.idempotencyKey.empty();
  BodyRead read = readBody(request, req.body, kMaxBodyBytes);
  bodyTooLarge = read != BodyRead::Ok;
  if (read == BodyRead::TooLargeUndrained) keepAlive = false;  // the rest of the body is unread
  if (!bodyTooLarge) {
    if (auto parsed = parseJson(req.body)) {
      req.bodyIsJson = true;
      req.json = *parsed;
    }
  }
  return true;
}

}  // namespace

void Router::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  try {
    ApiRequest req;
    bool bodyTooLarge = false;
    bool keepAlive = true;
    if (!readRequest(request, req, bodyTooLarge, keepAlive)) {
      response.setKeepAlive(false);
      writeResponse(response, xunaDetail(400, "Malformed request target"));
      return;
    }
    if (!keepAlive) response.setKeepAlive(false);
    if (isAdminPath(req.path)) {
      writeResponse(response, bodyTooLarge ? xunaDetail(413, "Request body too large") : handleAdmin(services_, req));
      return;
    }
    ApiOutcome out = serveApi(services_, req, bodyTooLarge);
    if (out.drop) {
      dropConnection(request, response);
      return;
    }
    if (out.slowMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(out.slowMs));
    writeResponse(response, out.response);
  } catch (...) {
    // Last resort: a JSON 500 if nothing was written yet; a broken connection is ignored.
    try {
      if (!response.sent()) {
        response.setKeepAlive(false);
        writeResponse(response, xunaDetail(500, "Internal Server Error"));
      }
    } catch (...) {
    }
  }
}

}  // namespace xs::emu

#include "emulator/api.h"

#include "emulator/json_util.h"
#include "emulator/twilio_handlers.h"
#include "emulator/twilio_routing.h"
#include "emulator/xuna_handlers.h"

#include <chrono>
#include <cstdio>
#include <thread>

namespace xs::emu {

namespace {

Response rateLimited(bool twilio, double retryAfter) {
  Response r = twilio ? twilioError(429, 20429, "Too Many Requests")
                      : xunaError(429, "rate_limited", "Too many requests");
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", retryAfter);
  r.headers.emplace_back("Retry-After", seconds);
  return r;
}

Response injectedError(bool twilio, int status) {
  const char* reason = status == 502 ? "Bad Gateway" : status == 503 ? "Service Unavailable" : "Internal Server Error";
  Response r = twilio ? twilioError(status, 20000 + status, reason) : xunaDetail(status, reason);
  if (status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}

Response tooLarge(bool twilio) {
  return twilio ? twilioError(413, 20413, "Request body too large") : xunaDetail(413, "Request body too large");
}

// A form body as a JSON object for the log, with the password of every URL in it hidden.
Poco::Dynamic::Var redactedForm(const std::string& body) {
  auto obj = newObject();
  try {
    for (const auto& [name, value] : parseForm(body)) obj->set(name, redactUrlPassword(value));
  } catch (...) {
    return Poco::Dynamic::Var();
  }
  return obj;
}

Response handle(Services& services, const ApiRequest& req, const FaultConfig& faults) {
  if (isTwilioPath(req.path)) return handleTwilio(services.world, req);
  if (isInboundCallPath(req.path)) return handleInboundCall(req);
  return handleXuna(services.world, req, faults);
}

}  // namespace

ApiOutcome serveApi(Services& services, const ApiRequest& req, bool bodyTooLarge) {
  LogEntry entry;
  entry.seq = services.log.nextSeq();
  entry.arrivedMs = services.log.sinceStartMs();
  entry.method = req.method;
  entry.path = req.path;
  entry.query = req.rawQuery;
  if (req.hasIdempotencyKey) entry.idempotencyKey = req.idempotencyKey;
  if (req.bodyIsJson) {
    entry.body = redactSecrets(req.json);
  } else if (isFormContentType(req.contentType) && !bodyTooLarge) {
    entry.body = redactedForm(req.body);
  }

  const bool twilio = isTwilioPath(req.path);
  ApiOutcome out;
  if (bodyTooLarge) {
    out.response = tooLarge(twilio);
  } else {
    FaultConfig cfg = services.faults.config();
    if (cfg.latencyMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(cfg.latencyMs));
    FaultDecision d = services.faults.decide();
    if (d.rateLimited) {
      out.response = rateLimited(twilio, d.retryAfterSeconds);
      entry.fault = "rate_limited";
    } else if (d.errorStatus) {
      out.response = injectedError(twilio, d.errorStatus);
      entry.fault = "error";
    } else {
      out.response = handle(services, req, cfg);
      if (d.drop) {
        out.drop = true;
        entry.fault = "dropped";
      } else if (d.slowMs > 0) {
        out.slowMs = d.slowMs;
        entry.fault = "slow";
      }
    }
  }
  entry.status = out.response.status;
  entry.answeredMs = services.log.sinceStartMs();
  services.log.record(entry);
  return out;
}

}  // namespace xs::emu

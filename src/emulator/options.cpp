#include "emulator/options.h"

#include "emulator/twilio_routing.h"

#include <Poco/NumberFormatter.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

namespace xs::emu {

namespace {

long long parseInt(const std::string& flag, const std::string& v, long long lo, long long hi) {
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 18) {
    throw UsageError(flag + " needs an integer, got \"" + v + "\"");
  }
  long long n = std::stoll(v);
  if (n < lo || n > hi) {
    throw UsageError(flag + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return n;
}

double parseDouble(const std::string& flag, const std::string& v, double lo, double hi) {
  char* end = nullptr;
  errno = 0;
  double d = v.empty() ? NAN : std::strtod(v.c_str(), &end);
  if (v.empty() || errno != 0 || *end != '\0' || !std::isfinite(d)) {
    throw UsageError(flag + " needs a number, got \"" + v + "\"");
  }
  if (d < lo || d > hi) {
    throw UsageError(flag + " must be between " + Poco::NumberFormatter::format(lo) + " and " +
                     Poco::NumberFormatter::format(hi));
  }
  return d;
}

// "scheme://host[:port]" from an http(s) origin with no user, query or path beyond "/".
std::string parseOrigin(const std::string& v) {
  const std::string bad =
      "--public-origin needs an http(s)://host[:port] origin, got \"" + redactUrlPassword(v) + "\"";
  try {
    Poco::URI uri(v);
    const std::string scheme = Poco::toLower(uri.getScheme());
    if ((scheme != "http" && scheme != "https") || uri.getHost().empty() ||
        !uri.getUserInfo().empty() || !(uri.getPath().empty() || uri.getPath() == "/") ||
        !uri.getRawQuery().empty() || !uri.getFragment().empty()) {
      throw UsageError(bad);
    }
    std::string origin = v;
    while (!origin.empty() && origin.back() == '/') origin.pop_back();
    return origin;
  } catch (const UsageError&) {
    throw;
  } catch (...) {
    throw UsageError(bad);
  }
}

}  // namespace

std::string usage() {
  return "usage: xuna-emulator --fixture FILE [--host 127.0.0.1] [--port 0] [--port-file FILE]\n"
         "                     [--log FILE] [--latency-ms N] [--tls-cert FILE --tls-key FILE] [--seed N]\n"
         "                     [--rate-limit RPS] [--error-rate P] [--drop-rate P] [--slow-rate P] [--slow-ms N]\n"
         "                     [--public-origin URL] [--no-twilio-repoint] [--no-idempotency]\n"
         "                     [--batch-answer json|empty|id-only|text|error|short]\n"
         "Emulates the XUNA phone-number API and Twilio's IncomingPhoneNumbers (see docs/emulator.md).\n";
}

Options parseOptions(int argc, char** argv) {
  Options o;
  FaultConfig& f = o.faults;
  const std::map<std::string, std::function<void(const std::string&)>> flags = {
      {"--fixture", [&](const std::string& v) { o.fixture = v; }},
      {"--host", [&](const std::string& v) { o.host = v; }},
      {"--port", [&](const std::string& v) { o.port = static_cast<std::uint16_t>(parseInt("--port", v, 0, 65535)); }},
      {"--port-file", [&](const std::string& v) { o.portFile = v; }},
      {"--log", [&](const std::string& v) { o.logFile = v; }},
      {"--latency-ms", [&](const std::string& v) { f.latencyMs = static_cast<int>(parseInt("--latency-ms", v, 0, 600000)); }},
      {"--tls-cert", [&](const std::string& v) { o.tlsCert = v; }},
      {"--tls-key", [&](const std::string& v) { o.tlsKey = v; }},
      {"--seed", [&](const std::string& v) { f.seed = static_cast<std::uint64_t>(parseInt("--seed", v, 0, 999999999999999999LL)); }},
      {"--rate-limit", [&](const std::string& v) { f.rateLimitRps = parseDouble("--rate-limit", v, 0, 1e9); }},
      {"--error-rate", [&](const std::string& v) { f.errorRate = parseDouble("--error-rate", v, 0, 1); }},
      {"--drop-rate", [&](const std::string& v) { f.dropRate = parseDouble("--drop-rate", v, 0, 1); }},
      {"--slow-rate", [&](const std::string& v) { f.slowRate = parseDouble("--slow-rate", v, 0, 1); }},
      {"--slow-ms", [&](const std::string& v) { f.slowMs = static_cast<int>(parseInt("--slow-ms", v, 0, 600000)); }},
      {"--public-origin", [&](const std::string& v) { o.publicOrigin = parseOrigin(v); }},
      {"--batch-answer", [&](const std::string& v) {
         if (!validBatchAnswer(v))
           throw UsageError("--batch-answer takes json, empty, id-only, text, error or short, not " + v);
         f.batchAnswer = v;
       }},
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      return o;
    }
    if (arg == "--no-twilio-repoint") {
      o.twilioRepoint = false;
      continue;
    }
    if (arg == "--no-idempotency") {
      f.honourIdempotency = false;
      continue;
    }
    std::string name = arg, value;
    bool inlineValue = false;
    if (std::size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inlineValue = true;
    }
    auto it = flags.find(name);
    if (it == flags.end()) throw UsageError("unknown argument " + arg);
    if (!inlineValue) {
      if (i + 1 >= argc) throw UsageError(name + " needs a value");
      value = argv[++i];
    }
    it->second(value);
  }
  if (o.fixture.empty()) throw UsageError("--fixture FILE is required");
  if (o.tlsCert.empty() != o.tlsKey.empty()) throw UsageError("--tls-cert and --tls-key go together");
  return o;
}

}  // namespace xs::emu

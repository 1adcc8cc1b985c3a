#include "util/log.h"

#include <Poco/JSON/Object.h>

#include <iostream>
#include <mutex>
#include <sstream>

#include "util/clock.h"

namespace xs {
namespace {

std::mutex g_mutex;
LogConfig g_config;

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Error: return "error";
    case LogLevel::Warn: return "warning";
    case LogLevel::Info: return "info";
    case LogLevel::Debug: return "debug";
  }
  return "info";
}

}  // namespace

void configure_logging(const LogConfig& config) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_config = config;
}

void log(LogLevel level, const std::string& message) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (static_cast<int>(level) > static_cast<int>(g_config.level)) return;
  std::ostringstream line;
  if (g_config.json) {
    Poco::JSON::Object obj(Poco::JSON_PRESERVE_KEY_ORDER);
    obj.set("ts", system_clock().now_iso());
    obj.set("level", std::string(level_name(level)));
    obj.set("msg", message);
    obj.stringify(line);
  } else {
    line << "xuna-sync: ";
    if (level != LogLevel::Info) line << level_name(level) << ": ";
    line << message;
  }
  std::cerr << line.str() << '\n' << std::flush;
}

}  // namespace xs

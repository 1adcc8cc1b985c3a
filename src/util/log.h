#pragma once
// Diagnostics on stderr, text or one JSON object per line. Thread-safe.
#include <string>

namespace xs {

enum class LogLevel { Error = 0, Warn = 1, Info = 2, Debug = 3 };

struct LogConfig {
  LogLevel level = LogLevel::Info;
  bool json = false;
};

// Replaces the process-wide configuration (set once by the CLI before any work).
void configure_logging(const LogConfig& config);

// Writes one line if level is enabled: "xuna-sync: warning: ..." or {"ts","level","msg"}.
void log(LogLevel level, const std::string& message);

inline void log_error(const std::string& m) { log(LogLevel::Error, m); }
inline void log_warn(const std::string& m) { log(LogLevel::Warn, m); }
inline void log_info(const std::string& m) { log(LogLevel::Info, m); }
inline void log_debug(const std::string& m) { log(LogLevel::Debug, m); }

}  // namespace xs

#pragma once
// Diagnostics on stderr, text or one JSON object per line. Thread-safe.
#include <string>

#include "util/secret.h"

namespace xs {

enum class LogLevel { Error = 0, Warn = 1, Info = 2, Debug = 3 };

struct LogConfig {
  LogLevel level = LogLevel::Info;
  bool json = false;
};

// Replaces the process-wide configuration (set once by the CLI before any work).
void configure_logging(const LogConfig& config);

// Registers a secret the process sends (at the point it is sent): from then on every form
// of it (secret_forms) is masked in every log line and by redact(). Values shorter than 6
// bytes are not registered (masking them would garble text without protecting anything).
void register_secret(const Secret& secret);

// text with every form of every registered secret replaced by ***, and the beginning of one
// that a diagnostic's excerpt cut short ("xk_0123..."): for anything the tool prints or writes
// that may quote a server or a file (stdout reports, diagnostics, JSON output, files).
std::string redact(std::string text);

// Writes one line, redacted and escaped (printable(): a newline, ESC or bidi override in the
// message cannot forge a line), if level is enabled: "xuna-sync: warning: ..." or
// {"ts","level","msg"}.
void log(LogLevel level, const std::string& message);

inline void log_error(const std::string& m) { log(LogLevel::Error, m); }
inline void log_warn(const std::string& m) { log(LogLevel::Warn, m); }
inline void log_info(const std::string& m) { log(LogLevel::Info, m); }
inline void log_debug(const std::string& m) { log(LogLevel::Debug, m); }

}  // namespace xs

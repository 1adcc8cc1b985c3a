// The log of API requests (never admin ones) that tests read back through
// GET /_emulator/requests, optionally mirrored as JSON lines to a file.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace xs::emu {

struct LogEntry {
  std::uint64_t seq = 0;
  std::string method;
  std::string path;
  std::string query;
  int status = 0;
  std::optional<std::string> idempotencyKey;
  Poco::Dynamic::Var body;     // parsed JSON, secrets already redacted; empty = null
  std::string fault;           // "" = null, else rate_limited|error|dropped|slow
  double arrivedMs = 0;        // when it arrived, ms since the emulator started (a trace of
  double answeredMs = 0;       //   requests in flight); when its answer was ready
};

class RequestLog {
 public:
  // A log that also appends each entry as one JSON line to filePath ("" = no file);
  // throws std::runtime_error when the file cannot be opened.
  explicit RequestLog(const std::string& filePath);

  // The next arrival sequence number (1, 2, ...); never reset, also counts API requests.
  std::uint64_t nextSeq();

  // Milliseconds since this log was made (the emulator's start), monotonic.
  double sinceStartMs() const;

  // Number of API requests that arrived so far.
  std::uint64_t total() const;

  // Stores e (kept ordered by seq) and writes its line to the file, flushed.
  void record(const LogEntry& e);

  // The entries currently held, as a JSON array text, in arrival (seq) order.
  std::string toJsonText() const;

  // Forgets every entry (the sequence keeps counting; the file is untouched).
  void clear();

 private:
  mutable std::mutex mu_;
  std::uint64_t seq_ = 0;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::map<std::uint64_t, Poco::Dynamic::Var> entries_;  // seq -> JSON object
  std::ofstream file_;
};

}  // namespace xs::emu

#include "emulator/request_log.h"

#include "emulator/json_util.h"

#include <cmath>
#include <stdexcept>

namespace xs::emu {

RequestLog::RequestLog(const std::string& filePath) {
  if (filePath.empty()) return;
  file_.open(filePath, std::ios::out | std::ios::app);
  if (!file_) throw std::runtime_error("cannot open log file " + filePath);
}

std::uint64_t RequestLog::nextSeq() {
  std::lock_guard<std::mutex> lk(mu_);
  return ++seq_;
}

double RequestLog::sinceStartMs() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
}

std::uint64_t RequestLog::total() const {
  std::lock_guard<std::mutex> lk(mu_);
  return seq_;
}

void RequestLog::record(const LogEntry& e) {
  auto obj = newObject();
  obj->set("seq", e.seq);
  obj->set("method", e.method);
  obj->set("path", e.path);
  obj->set("query", e.query);
  obj->set("status", e.status);
  obj->set("idempotency_key", e.idempotencyKey ? Poco::Dynamic::Var(*e.idempotencyKey) : Poco::Dynamic::Var());
  obj->set("body", e.body);
  obj->set("fault", e.fault.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(e.fault));
  obj->set("arrived_ms", std::round(e.arrivedMs * 10) / 10);  // 0.1 ms is plenty for a trace
  obj->set("answered_ms", std::round(e.answeredMs * 10) / 10);
  std::lock_guard<std::mutex> lk(mu_);
  if (file_.is_open()) {
    file_ << toJson(obj) << '\n';
    file_.flush();
  }
  entries_.emplace(e.seq, obj);
}

std::string RequestLog::toJsonText() const {
  std::lock_guard<std::mutex> lk(mu_);
  auto arr = newArray();
  for (const auto& [seq, obj] : entries_) arr->add(obj);
  return toJson(arr);
}

void RequestLog::clear() {
  std::lock_guard<std::mutex> lk(mu_);
  entries_.clear();
}

}  // namespace xs::emu

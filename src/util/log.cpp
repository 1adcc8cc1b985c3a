#include "util/log.h"

#include <Poco/JSON/Object.h>

#include <iostream>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <sstream>
#include <vector>

#include "util/clock.h"
#include "util/printable.h"

namespace xs {
namespace {

std::mutex g_mutex;
LogConfig g_config;

constexpr std::size_t kMinRegistered = 6;
constexpr std::size_t kMaxRegistered = 256;  // distinct secrets; a process sends a handful
std::shared_mutex g_secrets_mutex;
std::set<std::string> g_secrets;   // the values registered
std::vector<std::string> g_forms;  // every form of each of them
SecretMask g_mask;                 // g_forms, sorted once

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Error: return "error";
    case LogLevel::Warn: return "warning";
    case LogLevel::Info: return "info";
    case LogLevel::Debug: return "debug";
  }
  return "info";
}

// text with the beginning of a secret that an excerpt cut short ("xk_01234567...": at least
// kMinRegistered bytes of it right before "...") replaced by ***. Whole forms are hidden before.
std::string hide_cut_secrets(std::string text, const std::set<std::string>& secrets) {
  for (std::size_t dots = text.find("..."); dots != std::string::npos;
       dots = text.find("...", dots + 3)) {
    for (const std::string& s : secrets) {
      for (std::size_t n = std::min(s.size(), dots); n >= kMinRegistered; --n) {
        if (text[dots - 1] != s[n - 1] || text.compare(dots - n, n, s, 0, n) != 0) continue;
        text.replace(dots - n, n, "***");
        dots = dots - n + 3;
        break;
      }
    }
  }
  return text;
}

}  // namespace

void configure_logging(const LogConfig& config) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_config = config;
}

void register_secret(const Secret& secret) {
  const std::string& value = secret.reveal();
  if (value.size() < kMinRegistered) return;
  {
    std::shared_lock<std::shared_mutex> lock(g_secrets_mutex);
    if (g_secrets.count(value)) return;
  }
  std::vector<std::string> forms = secret_forms(value);
  std::unique_lock<std::shared_mutex> lock(g_secrets_mutex);
  if (g_secrets.size() >= kMaxRegistered || !g_secrets.insert(value).second) return;
  g_forms.insert(g_forms.end(), forms.begin(), forms.end());
  g_mask = SecretMask(g_forms);
}

std::string redact(std::string text) {
  std::shared_lock<std::shared_mutex> lock(g_secrets_mutex);
  if (g_mask.empty()) return text;
  return hide_cut_secrets(g_mask.hide(std::move(text)), g_secrets);
}

void log(LogLevel level, const std::string& raw) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (static_cast<int>(level) > static_cast<int>(g_config.level)) return;
  // What users and servers wrote travels in messages: one line, escaped, whatever it holds.
  const std::string message = printable(redact(raw));
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

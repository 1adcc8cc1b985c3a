#include "http/redact.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "util/log.h"

namespace xs {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool is_credential_header(const std::string& name) {
  const std::string n = lower(name);
  // Idempotency-Key names a request, it grants nothing; taken for a credential, each request
  // had a secret of its own: its mask made anew, and the log's list grown by one.
  if (n == "idempotency-key") return false;
  return n == "authorization" || n == "proxy-authorization" || n == "cookie" ||
         ends_with(n, "-key") || ends_with(n, "-token") || ends_with(n, "-secret");
}

std::string base64_decode(const std::string& text) {
  try {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string out;
    char c;
    while (decoder.get(c)) out += c;
    return out;
  } catch (const Poco::Exception&) {
    return {};
  }
}

void add_authorization(const std::string& value, std::vector<Secret>& out) {
  out.emplace_back(value);
  const std::size_t space = value.find(' ');
  if (space == std::string::npos) return;
  const std::string scheme = lower(value.substr(0, space));
  const std::string credentials = value.substr(space + 1);
  out.emplace_back(credentials);
  if (scheme != "basic") return;
  const std::string plain = base64_decode(credentials);
  const std::size_t colon = plain.find(':');
  if (colon == std::string::npos) return;
  out.emplace_back(plain);
  if (colon + 1 < plain.size()) out.emplace_back(plain.substr(colon + 1));
}

}  // namespace

std::vector<Secret> sent_secrets(const HttpRequest& request) {
  std::vector<Secret> out;
  for (const auto& [name, value] : request.headers) {
    if (!is_credential_header(name) || value.empty()) continue;
    if (lower(name).find("authorization") != std::string::npos) {
      add_authorization(value, out);
    } else {
      out.emplace_back(value);
    }
  }
  for (const Secret& s : request.secrets)
    if (!s.empty()) out.push_back(s);
  return out;
}

namespace {

constexpr std::size_t kMasksKept = 64;  // sets of secrets: a run sends a few

// What identifies the secrets a request sends, without parsing them: its credential headers'
// values and request.secrets, in order.
std::string secrets_key(const HttpRequest& request) {
  std::string key;
  for (const auto& [name, value] : request.headers) {
    if (!is_credential_header(name) || value.empty()) continue;
    key += name;
    key += '\0';
    key += value;
    key += '\0';
  }
  for (const Secret& s : request.secrets) {
    key += s.reveal();
    key += '\0';
  }
  return key;
}

}  // namespace

std::shared_ptr<const SecretMask> RedactingTransport::mask_for(const HttpRequest& request) {
  const std::string key = secrets_key(request);
  if (key.empty()) return nullptr;
  {
    std::lock_guard<std::mutex> lock(masks_mutex_);
    auto it = masks_.find(key);
    if (it != masks_.end()) return it->second;
  }
  const std::vector<Secret> secrets = sent_secrets(request);
  for (const Secret& s : secrets) register_secret(s);
  std::vector<std::string> forms;
  for (const Secret& s : secrets) {
    std::vector<std::string> f = secret_forms(s.reveal());
    forms.insert(forms.end(), f.begin(), f.end());
  }
  auto mask = std::make_shared<const SecretMask>(std::move(forms));
  std::lock_guard<std::mutex> lock(masks_mutex_);
  if (masks_.size() >= kMasksKept) masks_.clear();
  masks_.emplace(key, mask);
  return mask;
}

Result<HttpResponse> RedactingTransport::send(const HttpRequest& request) {
  const std::shared_ptr<const SecretMask> mask = mask_for(request);
  Result<HttpResponse> result = inner_->send(request);
  if (!mask || mask->empty()) return result;
  auto hide = [&](std::string text) { return mask->hide(std::move(text)); };
  if (!result.ok()) {
    ApiError e = result.error();
    e.message = hide(std::move(e.message));
    return e;
  }
  HttpResponse& r = result.value();
  r.reason = hide(std::move(r.reason));
  for (auto& [name, value] : r.headers) value = hide(std::move(value));
  r.body = hide(std::move(r.body));
  return result;
}

}  // namespace xs

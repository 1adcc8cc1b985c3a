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

Result<HttpResponse> RedactingTransport::send(const HttpRequest& request) {
  const std::vector<Secret> secrets = sent_secrets(request);
  for (const Secret& s : secrets) register_secret(s);
  Result<HttpResponse> result = inner_->send(request);
  if (secrets.empty()) return result;
  std::vector<std::string> forms;
  for (const Secret& s : secrets) {
    std::vector<std::string> f = secret_forms(s.reveal());
    forms.insert(forms.end(), f.begin(), f.end());
  }
  auto hide = [&](std::string text) { return hide_forms(std::move(text), forms); };
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

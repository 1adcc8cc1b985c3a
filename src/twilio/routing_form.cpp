#include "twilio/routing_form.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/URI.h>

#include <sstream>

namespace xs {
namespace {

std::string encoded(Poco::Net::HTMLForm& form) {
  std::ostringstream out;
  form.write(out);
  return out.str();
}

// The password of a URL's userinfo (scheme://user:PASSWORD@host/...), or "".
std::string password_of(const std::string& url) {
  const std::string masked = mask_url_password(url);
  if (masked == url) return {};
  const std::size_t start = masked.find(":***@");
  if (start == std::string::npos) return {};
  // masked == url[0, start + 1) + "***" + url[start + 1 + length, ...)
  const std::size_t length = url.size() - (masked.size() - 3);
  return url.substr(start + 1, length);
}

}  // namespace

std::string routing_form(const TwilioRouting& r) {
  Poco::Net::HTMLForm form;  // URL encoding, fields in the order added
  auto always = [&](const char* name, const std::string& value) { form.add(name, value); };
  auto if_set = [&](const char* name, const std::string& value) {
    if (!value.empty()) form.add(name, value);
  };
  always("VoiceUrl", r.voice_url);
  if_set("VoiceMethod", r.voice_method);
  always("VoiceFallbackUrl", r.voice_fallback_url);
  if_set("VoiceFallbackMethod", r.voice_fallback_method);
  always("StatusCallback", r.status_callback);
  if_set("StatusCallbackMethod", r.status_callback_method);
  always("VoiceApplicationSid", r.voice_application_sid);
  always("TrunkSid", r.trunk_sid);
  if_set("VoiceReceiveMode", r.voice_receive_mode);
  return encoded(form);
}

std::vector<std::string> url_passwords(const TwilioRouting& r) {
  std::vector<std::string> out;
  for (const std::string* url : {&r.voice_url, &r.voice_fallback_url, &r.status_callback}) {
    const std::string password = password_of(*url);
    if (password.empty()) continue;
    out.push_back(password);
    try {
      std::string decoded;
      Poco::URI::decode(password, decoded);
      if (!decoded.empty() && decoded != password) out.push_back(decoded);
    } catch (const Poco::Exception&) {
    }
    Poco::Net::HTMLForm form;
    form.add("p", password);
    const std::string as_sent = encoded(form).substr(2);
    if (as_sent != password) out.push_back(as_sent);
  }
  return out;
}

}  // namespace xs

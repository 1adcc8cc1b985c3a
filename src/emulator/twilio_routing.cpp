#include "emulator/twilio_routing.h"

#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>

namespace xs::emu {

namespace {

constexpr std::size_t kMaxUrl = 4000;

// Error codes (Twilio's 21xxx range for bad parameters).
constexpr int kBadUrl = 21502;
constexpr int kBadMethod = 21503;
constexpr int kBadReceiveMode = 21504;
constexpr int kBadApplication = 21218;
constexpr int kBadTrunk = 21219;
constexpr int kAppAndTrunk = 21220;

bool isHex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

bool isSid(const std::string& s, const char* prefix) {
  return s.size() == 34 && s.compare(0, 2, prefix) == 0 && isHex(s.substr(2));
}

bool isHttpUrl(const std::string& s) {
  if (s.size() > kMaxUrl) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f) return false;
  }
  try {
    Poco::URI uri(s);
    const std::string scheme = Poco::toLower(uri.getScheme());
    return (scheme == "http" || scheme == "https") && !uri.getHost().empty();
  } catch (...) {
    return false;
  }
}

}  // namespace

const std::vector<RoutingField>& routingFields() {
  static const std::vector<RoutingField> fields{
      {"VoiceUrl", "voice_url", &NumberRouting::voiceUrl, FieldKind::Url},
      {"VoiceMethod", "voice_method", &NumberRouting::voiceMethod, FieldKind::Method},
      {"VoiceFallbackUrl", "voice_fallback_url", &NumberRouting::voiceFallbackUrl, FieldKind::Url},
      {"VoiceFallbackMethod", "voice_fallback_method", &NumberRouting::voiceFallbackMethod,
       FieldKind::Method},
      {"StatusCallback", "status_callback", &NumberRouting::statusCallback, FieldKind::Url},
      {"StatusCallbackMethod", "status_callback_method", &NumberRouting::statusCallbackMethod,
       FieldKind::Method},
      {"VoiceApplicationSid", "voice_application_sid", &NumberRouting::voiceApplicationSid,
       FieldKind::ApplicationSid},
      {"TrunkSid", "trunk_sid", &NumberRouting::trunkSid, FieldKind::TrunkSid},
      {"VoiceReceiveMode", "voice_receive_mode", &NumberRouting::voiceReceiveMode,
       FieldKind::ReceiveMode},
  };
  return fields;
}

std::optional<RoutingError> checkRoutingValue(const RoutingField& field, const std::string& name,
                                              std::string& value) {
  switch (field.kind) {
    case FieldKind::Url:
      if (value.empty() || isHttpUrl(value)) return std::nullopt;
      return RoutingError{kBadUrl,
                          name + " is not a valid URL: it must be an absolute http or https URL"};
    case FieldKind::Method:
      if (value.empty()) {
        value = "POST";
        return std::nullopt;
      }
      value = Poco::toUpper(value);
      if (value == "GET" || value == "POST") return std::nullopt;
      return RoutingError{kBadMethod, name + " must be GET or POST"};
    case FieldKind::ApplicationSid:
      if (value.empty() || isSid(value, "AP")) return std::nullopt;
      return RoutingError{kBadApplication,
                          name + " is not a valid application SID (AP + 32 hex digits)"};
    case FieldKind::TrunkSid:
      if (value.empty() || isSid(value, "TK")) return std::nullopt;
      return RoutingError{kBadTrunk, name + " is not a valid trunk SID (TK + 32 hex digits)"};
    case FieldKind::ReceiveMode:
      if (value.empty()) {
        value = "voice";
        return std::nullopt;
      }
      if (value == "voice" || value == "fax") return std::nullopt;
      return RoutingError{kBadReceiveMode, name + " must be voice or fax"};
  }
  return std::nullopt;
}

std::optional<RoutingError> applyRoutingChange(NumberRouting& routing, const RoutingChange& change,
                                               bool formNames) {
  NumberRouting next = routing;
  bool setsApp = false, setsTrunk = false;
  for (const RoutingField& f : routingFields()) {
    auto it = change.find(f.key);
    if (it == change.end()) continue;
    std::string value = it->second;
    if (auto error = checkRoutingValue(f, formNames ? f.form : f.key, value)) return error;
    next.*f.member = value;
    if (f.kind == FieldKind::ApplicationSid) setsApp = !value.empty();
    if (f.kind == FieldKind::TrunkSid) setsTrunk = !value.empty();
  }
  if (setsApp && setsTrunk) {
    const std::string app = formNames ? "VoiceApplicationSid" : "voice_application_sid";
    const std::string trunk = formNames ? "TrunkSid" : "trunk_sid";
    return RoutingError{
        kAppAndTrunk, app + " and " + trunk + " cannot both be set: setting one deletes the other"};
  }
  if (setsApp) next.trunkSid.clear();
  if (setsTrunk) next.voiceApplicationSid.clear();
  routing = next;
  return std::nullopt;
}

std::string redactUrlPassword(const std::string& text) {
  const std::size_t scheme = text.find("://");
  if (scheme == std::string::npos || scheme == 0) return text;
  const std::size_t begin = scheme + 3;
  // The last '@' before any query or fragment: a password with an unencoded '/' still hides
  // (an '@' in a path after a port hides too much, which is the safe side).
  const std::size_t end = text.find_first_of("?#", begin);
  const std::size_t at = text.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < begin || (end != std::string::npos && at > end)) return text;
  const std::size_t colon = text.find(':', begin);
  if (colon == std::string::npos || colon > at) return text;
  return text.substr(0, colon + 1) + "***" + text.substr(at);
}

bool isFormContentType(const std::string& contentType) {
  const std::string type = Poco::toLower(contentType.substr(0, contentType.find(';')));
  return Poco::trim(type) == "application/x-www-form-urlencoded";
}

std::map<std::string, std::string> parseForm(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t amp = body.find('&', pos);
    std::string pair = body.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (!pair.empty()) {
      std::replace(pair.begin(), pair.end(), '+',
                   ' ');  // Poco's plusAsSpace works only after a '?'
      std::size_t eq = pair.find('=');
      std::string name, value;
      Poco::URI::decode(pair.substr(0, eq), name);
      if (eq != std::string::npos) Poco::URI::decode(pair.substr(eq + 1), value);
      out[name] = value;
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

}  // namespace xs::emu

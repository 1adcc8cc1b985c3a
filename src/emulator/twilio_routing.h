// A Twilio number's voice routing and Twilio's rules for changing it: the nine fields of
// IncomingPhoneNumber that decide where calls go, their validation, and the precedence of a
// voice application and a SIP trunk (setting one deletes the other). No I/O, no Poco types.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace xs::emu {

struct NumberRouting {
  std::string voiceUrl;
  std::string voiceMethod = "POST";
  std::string voiceFallbackUrl;
  std::string voiceFallbackMethod = "POST";
  std::string statusCallback;
  std::string statusCallbackMethod = "POST";
  std::string voiceApplicationSid;
  std::string trunkSid;
  std::string voiceReceiveMode = "voice";
};

enum class FieldKind { Url, Method, ApplicationSid, TrunkSid, ReceiveMode };

// One routing field: its name in Twilio's update form, in JSON (and the fixture), its member.
struct RoutingField {
  std::string form;  // "VoiceUrl"
  std::string key;   // "voice_url"
  std::string NumberRouting::*member;
  FieldKind kind;
};

// The nine fields, in the order Twilio's resource lists them.
const std::vector<RoutingField>& routingFields();

// A rule broken by a routing value: Twilio's error code and message (HTTP 400).
struct RoutingError {
  int code;
  std::string message;
};

// Requested values by JSON key ("voice_url"); absent = unchanged, "" = cleared (methods go
// back to POST, the receive mode to voice).
using RoutingChange = std::map<std::string, std::string>;

// The value as stored (methods upper-cased), or the error naming the field by `name`.
std::optional<RoutingError> checkRoutingValue(const RoutingField& field, const std::string& name,
                                              std::string& value);

// Validates every value of change (the first problem wins, in field order), then applies it:
// a non-empty application SID deletes the trunk and a non-empty trunk SID the application;
// both non-empty in one change is refused. On error routing is untouched.
std::optional<RoutingError> applyRoutingChange(NumberRouting& routing, const RoutingChange& change,
                                               bool formNames);

// text with the password of a URL's user:password@ replaced by *** ("https://u:***@h/p");
// text that is not such a URL is returned unchanged. For logs: when unsure it hides more.
std::string redactUrlPassword(const std::string& text);

// True when a Content-Type header value is application/x-www-form-urlencoded (any case,
// parameters such as charset allowed).
bool isFormContentType(const std::string& contentType);

// The fields of an application/x-www-form-urlencoded body ('+' is a space; the last of a
// repeated name wins); throws std::exception on a bad percent-encoding.
std::map<std::string, std::string> parseForm(const std::string& body);

}  // namespace xs::emu

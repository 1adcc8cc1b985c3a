#include "model/routing.h"

#include <algorithm>
#include <cctype>

namespace xs {

const std::vector<RoutingField>& routing_fields() {
  static const std::vector<RoutingField> fields{
      {"voice_url", &TwilioRouting::voice_url},
      {"voice_method", &TwilioRouting::voice_method},
      {"voice_fallback_url", &TwilioRouting::voice_fallback_url},
      {"voice_fallback_method", &TwilioRouting::voice_fallback_method},
      {"status_callback", &TwilioRouting::status_callback},
      {"status_callback_method", &TwilioRouting::status_callback_method},
      {"voice_application_sid", &TwilioRouting::voice_application_sid},
      {"trunk_sid", &TwilioRouting::trunk_sid},
      {"voice_receive_mode", &TwilioRouting::voice_receive_mode},
  };
  return fields;
}

const char* to_string(ProbationFallback::State state) {
  using S = ProbationFallback::State;
  switch (state) {
    case S::Undecided: return "";
    case S::Setting: return "setting";
    case S::Set: return "set";
    case S::Cleared: return "cleared";
    case S::Untouched: return "untouched";
  }
  return "";
}

ProbationFallback::State fallback_state(const std::string& name) {
  using S = ProbationFallback::State;
  for (S s : {S::Setting, S::Set, S::Cleared, S::Untouched})
    if (name == to_string(s)) return s;
  return S::Undecided;
}

bool same_routing(const TwilioRouting& a, const TwilioRouting& b) {
  for (const auto& [name, field] : routing_fields())
    if (a.*field != b.*field) return false;
  return true;
}

bool operator==(const TwilioRouting& a, const TwilioRouting& b) {
  return a.sid == b.sid && same_routing(a, b);
}

namespace {

// Where the authority (userinfo@host:port) of a URL starts and ends, or npos.
std::pair<std::size_t, std::size_t> authority(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos || scheme == 0) return {std::string::npos, std::string::npos};
  const std::size_t begin = scheme + 3;
  std::size_t end = url.find_first_of("/?#", begin);
  if (end == std::string::npos) end = url.size();
  return {begin, end};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "FW..." when url is a Studio flow's webhook (webhooks.twilio.com/.../Flows/FW...), else "".
std::string studio_flow(const std::string& url) {
  auto [begin, end] = authority(url);
  if (begin == std::string::npos) return {};
  std::string host = lower(url.substr(begin, end - begin));
  if (auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  if (host != "webhooks.twilio.com") return {};
  const std::size_t flows = url.find("/Flows/", end);
  if (flows == std::string::npos) return {};
  const std::size_t sid = flows + 7;
  const std::size_t stop = url.find_first_of("/?#", sid);
  return url.substr(sid, stop == std::string::npos ? std::string::npos : stop - sid);
}

}  // namespace

std::string mask_url_password(const std::string& url) {
  auto [begin, end] = authority(url);
  if (begin == std::string::npos) return url;
  const std::size_t at = url.rfind('@', end);
  if (at == std::string::npos || at < begin) return url;
  const std::size_t colon = url.find(':', begin);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string describe_routing(const TwilioRouting& r) {
  if (!r.trunk_sid.empty()) return "SIP trunk " + r.trunk_sid;
  if (!r.voice_application_sid.empty()) return "TwiML app " + r.voice_application_sid;
  if (r.voice_url.empty()) return "nothing";
  if (std::string flow = studio_flow(r.voice_url); !flow.empty()) return "Studio flow " + flow;
  std::string text = mask_url_password(r.voice_url);
  if (!r.voice_method.empty()) text += " (" + r.voice_method + ")";
  return text;
}

std::string url_origin(const std::string& url) {
  auto [begin, end] = authority(url);
  if (begin == std::string::npos) return {};
  const std::string scheme = lower(url.substr(0, begin - 3));
  std::string host = lower(url.substr(begin, end - begin));
  if (auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  const std::size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    const std::string port = host.substr(colon + 1);
    if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80") || port.empty())
      host = host.substr(0, colon);
  }
  if (host.empty()) return {};
  return scheme + "://" + host;
}

bool routes_to(const TwilioRouting& r, const std::string& origin) {
  return r.trunk_sid.empty() && r.voice_application_sid.empty() && !origin.empty() &&
         url_origin(r.voice_url) == origin;
}

}  // namespace xs

#include "emulator/route_call.h"

namespace xs::emu {
namespace {

bool isXuna(const std::string& url, const std::string& xunaUrl) {
  if (!xunaUrl.empty() && url == xunaUrl) return true;
  std::string path = url.substr(0, url.find_first_of("?#"));
  const std::string tail = "/twilio/inbound_call";
  return path.size() >= tail.size() && path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

CallRoute routeCall(const NumberRouting& r, const std::string& xunaUrl, bool xunaAnswers) {
  if (!r.trunkSid.empty()) return {"trunk", "", r.trunkSid};
  if (!r.voiceApplicationSid.empty()) return {"application", "", r.voiceApplicationSid};
  if (r.voiceUrl.empty()) return {"nothing", "", ""};
  if (!isXuna(r.voiceUrl, xunaUrl)) return {"webhook", r.voiceUrl, ""};
  if (xunaAnswers) return {"xuna", r.voiceUrl, ""};
  if (!r.voiceFallbackUrl.empty()) return {"fallback", r.voiceFallbackUrl, ""};
  return {"nothing", "", ""};
}

}  // namespace xs::emu

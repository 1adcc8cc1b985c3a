#pragma once
// Where Twilio sends a number's calls (docs/DESIGN.md §9): the voice fields of an IncomingPhoneNumber,
// as Twilio names them. Twilio's precedence: a trunk, then a voice application, then the URLs.
// Webhook URLs may carry a password (https://user:pass@host/...): kept, since a rollback must
// restore it, but every text meant for people goes through mask_url_password.
#include <string>
#include <utility>
#include <vector>

namespace xs {

struct TwilioRouting {
  std::string sid;  // PN...: the number's own id at Twilio
  std::string voice_url, voice_method;
  std::string voice_fallback_url, voice_fallback_method;
  std::string status_callback, status_callback_method;
  std::string voice_application_sid;  // AP...: while set, Twilio ignores the voice URLs
  std::string trunk_sid;              // TK...: takes precedence over both
  std::string voice_receive_mode;     // voice | fax

  friend bool operator==(const TwilioRouting& a, const TwilioRouting& b);
  friend bool operator!=(const TwilioRouting& a, const TwilioRouting& b) { return !(a == b); }
};

// The voice fallback a cut-over left for its probation (docs/DESIGN.md §9, issue 22): Twilio
// sends a call to VoiceFallbackUrl when the webhook (XUNA's) answers with an error or not at all.
struct ProbationFallback {
  enum class State {
    Undecided,  // cut over (or being cut over); nothing decided yet
    Setting,    // url/until decided and journaled; Twilio's update not confirmed
    Set,        // Twilio has it (until empty: kept for good, fallback: keep)
    Cleared,    // the probation ended and it was cleared (or found gone)
    Untouched,  // not ours to set: fallback none, no webhook before, or a fallback already there
  } state = State::Undecided;
  std::string url, method;  // the fallback (Setting, Set, Cleared): the webhook before the cut-over
  std::string until;        // when the probation ends, ISO-8601 UTC; "" = never (keep)
  std::string changed_at;   // when the state last changed

  friend bool operator==(const ProbationFallback& a, const ProbationFallback& b) {
    return a.state == b.state && a.url == b.url && a.method == b.method && a.until == b.until &&
           a.changed_at == b.changed_at;
  }
};

const char* to_string(ProbationFallback::State state);
// The state named by to_string; Undecided for anything else.
ProbationFallback::State fallback_state(const std::string& name);

// Every routing field but sid, by its Twilio JSON name, in a fixed order.
using RoutingField = std::pair<const char*, std::string TwilioRouting::*>;
const std::vector<RoutingField>& routing_fields();

// True when both route the same way (every field but sid equal).
bool same_routing(const TwilioRouting& a, const TwilioRouting& b);

// url with the password of its userinfo replaced by *** ("https://user:***@host/..."); any
// other text unchanged.
std::string mask_url_password(const std::string& url);

// Where calls go, for people, passwords masked: "SIP trunk TK...", "TwiML app AP...",
// "Studio flow FW...", "https://ivr.example.com/voice (POST)", or "nothing".
std::string describe_routing(const TwilioRouting& routing);

// "scheme://host[:port]" of a URL, lower-cased, the default port dropped; empty if not a URL.
std::string url_origin(const std::string& url);

// True when Twilio sends this number's calls to a voice URL at origin (url_origin form): no
// trunk, no application.
bool routes_to(const TwilioRouting& routing, const std::string& origin);

}  // namespace xs

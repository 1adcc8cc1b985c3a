#pragma once
// What the mapping files declare, after parsing, validation and alias resolution.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/file_name.h"
#include "model/value.h"

namespace xs {

// A place in a mapping file; line and col are 1-based, 0 means "the file as a whole".
struct Location {
  FileName file;
  int line = 0;
  int col = 0;
  // "file:line:col", "file:line" or "file", whichever parts are known.
  std::string str() const;
};

struct TwilioAccount {
  std::string name;                // its key under twilio_accounts
  std::string account_sid;         // literal SID; empty when account_sid_env names it
  std::string account_sid_env;     // env var holding the SID
  std::string auth_token_env;      // env var holding the auth token (or the API key secret)
  std::string api_key_sid;         // optional: authenticate with an API key SID instead of the SID
  Location loc;
};

// What a cut-over leaves behind (docs/DESIGN.md §9): the number's old webhook as Twilio's voice
// fallback (VoiceFallbackUrl) for a probation period, so that a XUNA outage reaches the old IVR.
enum class FallbackPolicy {
  Previous,  // set it to the routing before, clear it when the probation ends
  None,      // do not touch the fallback
  Keep,      // set it, and leave it set after the probation
};

struct CutoverPolicy {
  FallbackPolicy fallback = FallbackPolicy::Previous;
  std::chrono::seconds probation{14 * 24 * 3600};
};

struct DesiredNumber {
  std::string phone_number;        // strict E.164
  std::string label;               // non-empty
  std::string agent_id;            // resolved agent id; empty = import only
  std::string agent_ref;           // as written (alias or id), for messages
  std::string twilio_account;      // account name: the number's own or defaults.twilio_account
  bool routing_takeover = false;   // import even when Twilio routes it through an app or trunk
  CutoverPolicy cutover;           // the mapping's 'cutover:', the number's own keys over it
  Location loc;
};

struct BatchCallTarget {
  std::string to;                  // strict E.164
  std::optional<Value> override;   // conversation_config_override, first_message folded in
  std::string timezone;            // IANA zone of this recipient; empty = the campaign's
  Location loc;
};

// calling_hours: the local times and days a campaign may dial, in a time zone.
struct CallingHours {
  int from_minute = 0;   // minutes after local midnight, 0..1439
  int to_minute = 0;     // != from_minute; less than from_minute = crosses midnight
  std::string timezone;  // IANA name, known to the system tzdata
  unsigned days = 0x7f;  // bit 0 = Monday .. bit 6 = Sunday, never 0: the days a window
                         // opens on (one crossing midnight ends the next day)
};

// When a campaign may be sent; every part optional (absent = no limit).
struct CampaignWindow {
  std::optional<std::chrono::system_clock::time_point> not_before;  // UTC instant
  std::optional<std::chrono::system_clock::time_point> not_after;   // UTC instant, > not_before
  std::optional<CallingHours> hours;
  bool any() const { return not_before || not_after || hours; }
};

struct BatchCampaign {
  std::string name;
  std::string agent_id;            // resolved
  std::string agent_ref;
  std::string from;                // E.164 of a mapped number
  std::vector<BatchCallTarget> calls;
  bool allow_duplicates = false;
  CampaignWindow window;           // when it may be sent (all parts optional)
  double dial_rate = 0;            // calls a minute XUNA places for it; 0 = not declared
  long long max_calls_per_run = 0; // at most this many calls a run; 0 = no cap
  Location loc;
};

struct Desired {
  std::map<std::string, TwilioAccount> twilio_accounts;  // by name
  std::map<std::string, std::string> agents;             // alias -> agent id
  std::vector<DesiredNumber> numbers;                    // sorted by phone_number
  std::vector<BatchCampaign> batches;                    // sorted by name
  std::vector<std::string> suppressed;      // E.164 numbers never to call: sorted, unique
  std::string suppressed_digest;            // SHA-256 of `suppressed`, one per line; "" when
                                            // the mapping names no suppression file
  std::vector<std::string> suppress_files;  // the suppression files as resolved, in order
};

}  // namespace xs

#pragma once
// Gathering what a plan needs (cf. octoDNS's Manager populating its zones): the mapping as
// given, one XUNA list, the state's view, and the Twilio lists the imports and the cut-over
// checks need; then the pure planner.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apply/apply.h"
#include "model/desired.h"
#include "model/live.h"
#include "model/state_view.h"
#include "plan/plan.h"
#include "plan/saved.h"
#include "sync/prefetch.h"
#include "sync/twilio_source.h"
#include "util/clock.h"
#include "xuna/api.h"

namespace xs::sync {

struct Planned {
  Desired desired;
  LiveList live;
  Plan plan;
  PlanHeader header;
  std::map<std::string, TwilioCredentials> credentials;  // accounts with numbers to import
};

struct Target {
  std::string api_url;
  std::string key_fingerprint;
};

struct GatherOptions {
  PlanOptions plan;
  std::vector<std::string> sources;  // the mapping files and folders, for the plan header
  // Also ask Twilio how the numbers cut over earlier are routed now (routing_drift): plan does,
  // apply does not (it changes nothing there, and spares the read).
  bool check_routing = false;
  // Start the ownership list beside XUNA's even when the state knows no managed number: apply
  // does (a first apply imports, most likely; waiting for the list after XUNA's was a third of
  // its fixed cost, issue 23), plan does not (a plan in CI without the state, of numbers all in
  // XUNA, asks Twilio nothing).
  bool early_list_without_history = false;
  // Reads a number as a server wrote it ("+1 212-555-0101") as strict E.164, or nullopt with
  // why set (the cli hands in the mapping room's libphonenumber reader). Unset: as written.
  std::function<std::optional<std::string>(const std::string&, std::string&)> normalize_number;
  // Done on the calling thread while the lists are on their way, before gather waits for them
  // (apply touches the heap the plan will use: ~6 ms less before its first request, issue 23).
  std::function<void()> while_listing;
};

// Lists XUNA once, asks Twilio (one paged list per account) what the accounts with numbers to
// import own and how those numbers are routed, and how the numbers cut over earlier are routed
// now, then plans. SyncError(Failed) when XUNA cannot be listed, SyncError(Invalid) for a
// --resubmit of no campaign; a Twilio account that cannot be checked turns its imports into
// plan errors. With prefetch (started by the caller for the same desired: apply starts it as
// soon as it holds the lock), its lists are taken instead of asking here.
Planned gather(Desired desired, XunaApi& xuna, TwilioSource& twilio, const StateView& view,
               const Target& target, const GatherOptions& options, Clock& clock,
               OwnershipPrefetch* prefetch = nullptr);

}  // namespace xs::sync

#pragma once
// The check after a cut-over (docs/DESIGN.md §9): once the run's imports are done, one paged
// re-list per affected Twilio account shows whether each imported number now sends its calls to
// XUNA: no voice application, no trunk, a voice URL at the XUNA origin.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apply/apply.h"
#include "state/store.h"
#include "sync/gather.h"
#include "sync/twilio_source.h"
#include "util/clock.h"

namespace xs::sync {

struct RoutingCheck {
  std::string phone_number;
  bool ok = false;
  std::string problem;  // when not ok: "imported, but Twilio still sends its calls to ..."
  std::optional<TwilioRouting> seen;  // the routing the re-list showed, when it listed the number
};

// What became of one probation fallback step (issue 22).
struct FallbackResult {
  FallbackStep step;
  Outcome outcome = Outcome::Ok;  // Ok (sent, or found done) | Skipped | Failed | Unknown
  bool sent = false;              // a Twilio update was sent
  std::string until;              // Set: when the probation ends ("" = kept)
  std::string message;            // why (Skipped, Failed, Unknown); never a password
};

// Checks the numbers this run imported (ok in report) whose routing Twilio listed before; the
// routing seen after a good cut-over is recorded with the snapshot, a bad one is journaled as a
// failed action of run.
std::vector<RoutingCheck> check_cutover(const Planned& planned, const ApplyReport& report,
                                        TwilioApi& twilio, state::Store& store,
                                        std::int64_t target, std::int64_t run,
                                        const std::string& origin, Clock& clock);

// The plan's probation fallbacks, once the imports are checked: a Set step of an import only
// after a good check; each number's routing as Twilio lists it now (the check's re-list, else one
// paged list per account). A fallback is set only on a number that routes to XUNA and has none,
// and cleared only while it is still ours. Each decision and each update is journaled before
// Twilio is asked (the snapshot's fallback columns, and an action of run), so a killed run's next
// run finishes it without sending it twice. One update per number.
std::vector<FallbackResult> settle_fallbacks(const Planned& planned,
                                             const std::vector<RoutingCheck>& checks,
                                             TwilioSource& twilio, state::Store& store,
                                             std::int64_t target, std::int64_t run,
                                             const std::string& origin, Clock& clock);

}  // namespace xs::sync

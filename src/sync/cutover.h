#pragma once
// The check after a cut-over (docs/DESIGN.md §9): once the run's imports are done, one paged
// re-list per affected Twilio account shows whether each imported number now sends its calls to
// XUNA: no voice application, no trunk, a voice URL at the XUNA origin.
#include <cstdint>
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
};

// Checks the numbers this run imported (ok in report) whose routing Twilio listed before; the
// routing seen after a good cut-over is recorded with the snapshot, a bad one is journaled as a
// failed action of run.
std::vector<RoutingCheck> check_cutover(const Planned& planned, const ApplyReport& report,
                                        TwilioApi& twilio, state::Store& store,
                                        std::int64_t target, std::int64_t run,
                                        const std::string& origin, Clock& clock);

}  // namespace xs::sync

#include "sync/cutover.h"

#include <map>
#include <set>

#include "sync/ownership.h"
#include "util/log.h"

namespace xs::sync {
namespace {

void journal_problem(state::Store& store, std::int64_t run, const RoutingCheck& c,
                     const std::string& now) {
  state::ActionIntent i;
  i.kind = ActionKind::Import;
  i.phone_number = c.phone_number;
  i.detail = "cut-over check";
  const std::int64_t entry = store.record_intent(run, i, now);
  store.record_outcome(entry, Outcome::Failed, c.problem, "", now);
}

}  // namespace

std::vector<RoutingCheck> check_cutover(const Planned& planned, const ApplyReport& report,
                                        TwilioApi& twilio, state::Store& store,
                                        std::int64_t target, std::int64_t run,
                                        const std::string& origin, Clock& clock) {
  std::map<std::string, std::set<std::string>> by_account;  // account -> numbers to check
  for (const auto& r : report.results)
    if (r.action.kind == ActionKind::Import && r.outcome == Outcome::Ok && r.action.routing_before)
      by_account[r.action.twilio_account].insert(r.action.phone_number);
  std::vector<RoutingCheck> checks;
  if (by_account.empty()) return checks;
  std::map<std::string, TwilioCredentials> credentials;
  for (const auto& [account, _] : by_account) {
    auto c = planned.credentials.find(account);
    if (c != planned.credentials.end()) credentials.insert(*c);
  }
  const OwnedLists lists = list_owned(twilio, planned.desired, credentials);
  const std::string now = clock.now_iso();
  for (const auto& [account, numbers] : by_account) {
    auto list = lists.find(account);
    std::map<std::string, const OwnedNumber*> seen;
    if (list != lists.end() && list->second.ok())
      for (const auto& n : list->second.value()) seen[n.phone_number] = &n;
    for (const std::string& number : numbers) {
      RoutingCheck c;
      c.phone_number = number;
      auto it = seen.find(number);
      if (list == lists.end() || !list->second.ok()) {
        c.problem = "imported, but its Twilio routing could not be checked" +
                    (list == lists.end() ? std::string() : ": " + list->second.error().message);
      } else if (it == seen.end()) {
        c.problem = "imported, but Twilio account '" + account + "' no longer lists it";
      } else if (!routes_to(it->second->routing, origin)) {
        c.problem = "imported, but Twilio still sends its calls to " +
                    describe_routing(it->second->routing) + " (XUNA is at " + origin + ")";
      } else {
        c.ok = true;
        store.record_routing_after(target, number, it->second->routing, now);
      }
      if (!c.ok) {
        log_debug("cut-over check of " + number + ": " + c.problem);
        journal_problem(store, run, c, now);
      }
      checks.push_back(std::move(c));
    }
  }
  return checks;
}

}  // namespace xs::sync

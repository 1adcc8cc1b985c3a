#include "sync/gather.h"

#include <chrono>
#include <future>
#include <set>
#include <system_error>

#include "model/digest_of.h"
#include "sync/errors.h"
#include "sync/ownership.h"
#include "sync/prefetch.h"
#include "util/log.h"

namespace xs::sync {
namespace {

void check_resubmit(const Desired& desired, const PlanOptions& options) {
  for (const std::string& name : options.resubmit) {
    bool known = false;
    for (const auto& b : desired.batches) known = known || b.name == name;
    if (!known)
      throw SyncError(Stop::Invalid,
                      "--resubmit " + name + ": no batch campaign of that name in the mapping");
  }
}

// Accounts whose numbers were cut over here (they have a snapshot): their routing is checked.
std::set<std::string> cut_over_accounts(const Desired& desired, const StateView& view) {
  std::set<std::string> out;
  for (const auto& n : desired.numbers)
    if (view.snapshotted.count(n.phone_number)) out.insert(n.twilio_account);
  return out;
}

// f() on a thread of its own, or when it is asked for if no thread can be had.
template <class F>
std::future<std::string> in_parallel(F f) {
  try {
    return std::async(std::launch::async, f);
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, f);
  }
}

}  // namespace

Planned gather(Desired desired, XunaApi& xuna, TwilioSource& twilio, const StateView& view,
               const Target& target, const GatherOptions& options, Clock& clock) {
  Planned p;
  p.desired = std::move(desired);
  check_resubmit(p.desired, options.plan);
  PlanOptions plan_options = options.plan;
  if (!plan_options.now)  // campaign windows are judged at the clock's now
    plan_options.now = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(clock.unix_seconds())));
  OwnershipPrefetch prefetch(twilio, p.desired, view);
  // The plan's digests (17 MB hashed at 100k numbers) are worked out beside the list and the
  // planning, which only read what they read.
  std::future<std::string> mapping_sum =
      in_parallel([&desired = p.desired] { return mapping_digest(desired); });
  Result<LiveList> live = xuna.list_numbers();
  if (!live.ok()) throw SyncError(Stop::Failed, live.error().message);
  p.live = std::move(live.value());
  log_debug("listed " + std::to_string(p.live.size()) + " numbers from " + target.api_url);
  std::future<std::string> live_sum = in_parallel([&live = p.live] { return live_digest(live); });
  p.plan = make_plan(p.desired, p.live, view, {}, plan_options);
  std::set<std::string> importing;
  for (const auto& a : p.plan.actions)
    if (a.kind == ActionKind::Import) importing.insert(a.twilio_account);
  p.credentials = twilio.credentials(p.desired, importing);
  std::map<std::string, TwilioCredentials> checking;  // cut over before, nothing to import now
  for (const std::string& name :
       options.check_routing ? cut_over_accounts(p.desired, view) : std::set<std::string>{}) {
    if (importing.count(name)) continue;
    try {
      checking.merge(twilio.credentials(p.desired, {name}));
    } catch (const std::exception& e) {
      log_debug(std::string("routing of cut-over numbers not checked: ") + e.what());
    }
  }
  if (!importing.empty() || !checking.empty()) {  // make_plan is pure: plan again with Twilio's word
    OwnedLists lists = prefetch.take();
    std::map<std::string, TwilioCredentials> missing, missing_checks;
    for (const auto& [name, c] : p.credentials)
      if (!lists.count(name)) missing.emplace(name, c);
    for (const auto& [name, c] : checking)
      if (!lists.count(name)) missing_checks.emplace(name, c);
    if (!missing.empty()) lists.merge(list_owned(twilio.api(), p.desired, missing));
    // The drift check is a courtesy: one attempt, and a Twilio outage does not hold plan up.
    if (!missing_checks.empty())
      lists.merge(list_owned(twilio.api(/*once=*/true), p.desired, missing_checks));
    for (auto it = lists.begin(); it != lists.end();) {
      const bool check_only = checking.count(it->first) && !importing.count(it->first);
      if (check_only && !it->second.ok())
        log_debug("routing of cut-over numbers not checked: " + it->second.error().message);
      const bool keep = importing.count(it->first) || (check_only && it->second.ok());
      it = keep ? std::next(it) : lists.erase(it);  // prefetched, but not needed
    }
    p.plan = make_plan(p.desired, p.live, view, ownership_of(lists), plan_options);
  }
  p.header.api_url = target.api_url;
  p.header.key_fingerprint = target.key_fingerprint;
  p.header.created_at = clock.now_iso();
  p.header.mapping_digest = mapping_sum.get();
  p.header.live_digest = live_sum.get();
  p.header.sources = options.sources;
  p.header.allow_routing_takeover = plan_options.allow_routing_takeover;
  p.header.only = plan_options.selection.only;
  p.header.exclude = plan_options.selection.exclude;
  return p;
}

}  // namespace xs::sync

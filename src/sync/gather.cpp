#include "sync/gather.h"

#include <chrono>
#include <future>
#include <optional>
#include <set>

#include "model/digest_of.h"
#include "sync/errors.h"
#include "sync/ownership.h"
#include "sync/prefetch.h"
#include "util/log.h"
#include "util/parallel.h"

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

bool strict_e164(const std::string& s) {
  if (s.size() < 3 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  return s.find_first_not_of("0123456789", 1) == std::string::npos;
}

std::string digits_of(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

// Every listed number in one form, E.164 ("+1 212-555-0101" is "+12125550101"), so the diff
// compares numbers, not strings. Those that cannot be read are taken out of the list and
// returned: they are neither compared nor counted.
std::vector<LiveNumber> normalize_live(LiveList& live, const GatherOptions& options) {
  std::vector<LiveNumber> unreadable;
  if (!options.normalize_number) return unreadable;
  LiveList kept;
  kept.reserve(live.size());
  for (auto& n : live) {
    if (!strict_e164(n.phone_number)) {
      std::string why;
      if (auto e164 = options.normalize_number(n.phone_number, why)) {
        log_debug("XUNA lists " + n.phone_number + " (" + n.phone_number_id + "), read as " + *e164);
        n.phone_number = *e164;
      } else {
        n.label = why;  // kept for the message below
        unreadable.push_back(std::move(n));
        continue;
      }
    }
    kept.push_back(std::move(n));
  }
  live = std::move(kept);
  return unreadable;
}

// An entry XUNA lists that is no phone number may be one the mapping wants: each is an
// error naming it, and a mapped number its digits hold is not imported ("missing") on its
// word, nor assigned.
void hold_back_unreadable(Plan& plan, const std::vector<LiveNumber>& unreadable) {
  std::set<std::string> held;
  for (const auto& u : unreadable) {
    const std::string digits = digits_of(u.phone_number);
    for (const auto& a : plan.actions) {
      const std::string mine = digits_of(a.phone_number);
      if (a.kind == ActionKind::Import && !digits.empty() && digits.find(mine) != std::string::npos)
        held.insert(a.phone_number);
    }
    plan.errors.push_back({u.phone_number, "XUNA lists '" + u.phone_number + "' (" +
                                               u.phone_number_id + "), which cannot be read as a "
                                               "phone number (" + u.label + "); it is not compared "
                                               "with the mapping"});
  }
  if (held.empty()) return;
  std::vector<Action> kept;
  for (auto& a : plan.actions) {
    if ((a.kind == ActionKind::Import || a.kind == ActionKind::Assign) && held.count(a.phone_number)) {
      (a.kind == ActionKind::Import ? plan.summary.imports : plan.summary.assigns)--;
      continue;
    }
    kept.push_back(std::move(a));
  }
  plan.actions = std::move(kept);
  for (const auto& n : held)
    plan.errors.push_back({n, "not imported: XUNA may hold it already, under a number it lists "
                              "in a form that cannot be read"});
}

}  // namespace

Planned gather(Desired desired, XunaApi& xuna, TwilioSource& twilio, const StateView& view,
               const Target& target, const GatherOptions& options, Clock& clock,
               OwnershipPrefetch* early) {
  Planned p;
  p.desired = std::move(desired);
  check_resubmit(p.desired, options.plan);
  PlanOptions plan_options = options.plan;
  if (!plan_options.now)  // campaign windows are judged at the clock's now
    plan_options.now = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(clock.unix_seconds())));
  std::optional<OwnershipPrefetch> own_prefetch;
  if (!early) own_prefetch.emplace(twilio, p.desired, view, options.early_list_without_history);
  OwnershipPrefetch& prefetch = early ? *early : *own_prefetch;
  // The plan's digests (17 MB hashed at 100k numbers) are worked out beside the list and the
  // planning, which only read what they read.
  std::future<std::string> mapping_sum =
      beside([&desired = p.desired] { return mapping_digest(desired); });
  // With while_listing, XUNA is listed on a thread of its own while the caller does it; else
  // here, where the answer reuses the pages the mapping freed (listed on a thread, a plan of
  // 100,000 numbers peaked 8 MB higher).
  auto list_live = [&]() -> Result<LiveList> {
    if (!options.while_listing) return xuna.list_numbers();
    std::future<Result<LiveList>> listing = beside([&xuna] { return xuna.list_numbers(); });
    options.while_listing();
    return listing.get();
  };
  Result<LiveList> live = list_live();
  if (!live.ok()) throw SyncError(Stop::Failed, live.error().message);
  p.live = std::move(live.value());
  log_debug("listed " + std::to_string(p.live.size()) + " numbers from " + target.api_url);
  const std::vector<LiveNumber> unreadable = normalize_live(p.live, options);
  std::future<std::string> live_sum = beside([&live = p.live] { return live_digest(live); });
  const std::set<std::string> importing =
      importing_accounts(p.desired, p.live, plan_options.selection);
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
  if (importing.empty() && checking.empty()) {
    p.plan = make_plan(p.desired, p.live, view, {}, plan_options);  // Twilio has nothing to say
  } else {
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
  hold_back_unreadable(p.plan, unreadable);
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

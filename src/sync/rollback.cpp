#include "sync/rollback.h"

#include <map>
#include <mutex>
#include <set>

#include "sync/errors.h"
#include "sync/ownership.h"
#include "util/parallel.h"

namespace xs::sync {
namespace {

using Status = RollbackItem::Status;

using FallbackState = ProbationFallback::State;

bool has_our_fallback(const state::RoutingSnapshot& s) {
  return !s.fallback.url.empty() &&
         (s.fallback.state == FallbackState::Setting || s.fallback.state == FallbackState::Set ||
          s.fallback.state == FallbackState::Cleared);
}

// True when now is the routing the cut-over left (as seen after it), the probation fallback it
// set (issue 22), or cleared, counted as its own; or when no routing was seen after it (the
// check never confirmed one: nothing to compare with).
bool left_by_cutover(const state::RoutingSnapshot& s, const TwilioRouting& now) {
  if (!s.after) return true;
  if (same_routing(now, *s.after)) return true;
  if (!has_our_fallback(s)) return false;
  TwilioRouting after = *s.after, seen = now;
  for (TwilioRouting* r : {&after, &seen})
    if (r->voice_fallback_url.empty() || r->voice_fallback_url == s.fallback.url) {
      r->voice_fallback_url.clear();
      r->voice_fallback_method.clear();
    }
  return same_routing(after, seen);
}

// What an undo points the number at: the routing after the cut-over, with the probation
// fallback while the probation lasts (now: ISO-8601 UTC), without it after.
TwilioRouting undo_routing(const state::RoutingSnapshot& s, const std::string& now) {
  TwilioRouting wanted = *s.after;
  if (!has_our_fallback(s)) return wanted;
  const bool in_probation = (s.fallback.state == FallbackState::Set ||
                             s.fallback.state == FallbackState::Setting) &&
                            (s.fallback.until.empty() || s.fallback.until > now);
  if (in_probation) {
    wanted.voice_fallback_url = s.fallback.url;
    wanted.voice_fallback_method = s.fallback.method;
  } else if (wanted.voice_fallback_url == s.fallback.url) {  // recorded during the probation
    wanted.voice_fallback_url.clear();
    wanted.voice_fallback_method =
        s.before.voice_fallback_method.empty() ? "POST" : s.before.voice_fallback_method;
  }
  return wanted;
}

// One item per number asked for, with what Twilio has now and what it will be.
std::vector<RollbackItem> items_of(const RollbackRequest& request,
                                   const std::vector<state::RoutingSnapshot>& snapshots,
                                   TwilioSource& twilio,
                                   std::map<std::string, TwilioCredentials>& credentials,
                                   const std::string& now) {
  std::map<std::string, const state::RoutingSnapshot*> by_number;
  for (const auto& s : snapshots) by_number[s.phone_number] = &s;
  std::vector<std::string> numbers = request.numbers;
  if (request.all) {  // the mapping's numbers only: another team's share the state and target
    std::set<std::string> mapped;
    for (const auto& n : request.desired.numbers) mapped.insert(n.phone_number);
    for (const auto& s : snapshots)
      if (mapped.count(s.phone_number)) numbers.push_back(s.phone_number);
  }
  std::vector<RollbackItem> items;
  std::set<std::string> accounts, seen;
  for (const std::string& n : numbers) {
    if (!seen.insert(n).second || (request.excluded && request.excluded(n))) continue;
    RollbackItem item;
    item.phone_number = n;
    auto s = by_number.find(n);
    if (s == by_number.end()) {
      item.status = Status::Problem;
      item.message = "no routing snapshot of " + n + " in this state (was it imported by xuna-sync?)";
    } else if (request.undo && !s->second->after) {
      item.status = Status::Problem;
      item.message = "no routing was recorded after its cut-over, so there is nothing to re-point it at";
    } else if (!request.desired.twilio_accounts.count(s->second->twilio_account)) {
      item.status = Status::Problem;
      item.message = "its Twilio account '" + s->second->twilio_account + "' is not in the mapping";
    } else {
      item.twilio_account = s->second->twilio_account;
      item.wanted = request.undo ? undo_routing(*s->second, now) : s->second->before;
      accounts.insert(item.twilio_account);
    }
    items.push_back(std::move(item));
  }
  if (accounts.empty()) return items;
  credentials = twilio.credentials(request.desired, accounts);
  const OwnedLists lists = list_owned(twilio.api(), request.desired, credentials);
  for (auto& item : items) {
    if (item.status == Status::Problem) continue;
    auto list = lists.find(item.twilio_account);
    if (list == lists.end() || !list->second.ok()) {
      item.status = Status::Problem;
      item.message = "could not list Twilio account '" + item.twilio_account + "'" +
                     (list == lists.end() ? std::string() : ": " + list->second.error().message);
      continue;
    }
    const OwnedNumber* found = nullptr;
    for (const auto& o : list->second.value())
      if (o.phone_number == item.phone_number) found = &o;
    if (!found) {
      item.status = Status::Problem;
      item.message = "Twilio account '" + item.twilio_account +
                     "' no longer has this number (released, or moved to another account?)";
    } else if (found->sid != item.wanted.sid) {
      item.status = Status::Problem;
      item.message = "Twilio lists it as " + found->sid + ", the snapshot was taken of " +
                     item.wanted.sid + " (released and bought again?); not restored";
    } else {
      item.now = found->routing;
      item.status = same_routing(item.now, item.wanted) ? Status::Already : Status::Change;
      const state::RoutingSnapshot& snapshot = *by_number.at(item.phone_number);
      if (item.status == Status::Change && !request.undo && !left_by_cutover(snapshot, item.now)) {
        item.status = request.force ? Status::Change : Status::Moved;
        item.forced = request.force;
        item.message = "re-routed since the cut-over: Twilio sends its calls to " +
                       describe_routing(item.now) + ", not as the cut-over left it (" +
                       describe_routing(*snapshot.after) + ")" +
                       (request.force ? "; --force restores the snapshot over it ('xuna-sync "
                                        "rollback --undo " + item.phone_number + "' brings it back)"
                                      : "; left alone ('xuna-sync rollback --force " +
                                            item.phone_number + "' restores the snapshot over it)");
      }
    }
  }
  return items;
}

}  // namespace

RollbackResult run_rollback(state::Store& store, TwilioSource& twilio, Clock& clock,
                            const Identity& identity, const std::string& api_url,
                            const std::string& key_fingerprint, RollbackRequest request,
                            const RollbackHooks& hooks) {
  if (request.numbers.empty() && !request.all)
    throw SyncError(Stop::Invalid, "rollback needs the numbers to roll back, or --all");
  RollbackResult result;
  const std::int64_t target = store.target(api_url, key_fingerprint);
  RunLock lock(store, target, identity, clock);
  const std::int64_t run =
      store.begin_run(target, request.undo ? "rollback --undo" : "rollback", clock.now_iso());
  bool finished = false;
  auto finish = [&](RunOutcome outcome) {
    finished = true;
    store.finish_run(run, outcome, clock.now_iso());
  };
  try {
    settle_interrupted_runs(store, target, run, clock);
    std::map<std::string, TwilioCredentials> credentials;
    result.items = items_of(request, store.snapshots(target), twilio, credentials,
                            iso_utc(static_cast<long long>(clock.unix_seconds())));
    if (hooks.planned) hooks.planned(result.items);
    std::vector<RollbackItem*> changes;
    for (auto& item : result.items) {
      if (item.status == Status::Change) changes.push_back(&item);
      if (item.status == Status::Already) {  // done before (perhaps by a run killed after it)
        item.outcome = Outcome::Ok;
        store.mark_rolled_back(target, item.phone_number, !request.undo, clock.now_iso());
      }
      if (item.status == Status::Problem) item.outcome = Outcome::Failed;
      if (item.status == Status::Moved) item.outcome = Outcome::Skipped;
    }
    if (!changes.empty() && hooks.approve && !hooks.approve(result.items)) {
      result.cancelled = true;
      finish(RunOutcome::Cancelled);
      return result;
    }
    if (!changes.empty()) lock.check("changing Twilio routing");
    std::mutex mutex;
    run_parallel(changes.size(), request.parallelism, [&](std::size_t k) {
      RollbackItem& item = *changes[k];
      if (request.stop && request.stop->load()) {
        item.outcome = Outcome::Skipped;
        item.message = "not changed: interrupted by a signal";
        return;
      }
      state::ActionIntent intent;
      intent.kind = request.undo ? ActionKind::Undo : ActionKind::Rollback;
      intent.phone_number = item.phone_number;
      intent.detail = describe_routing(item.now) + " -> " + describe_routing(item.wanted);
      if (item.forced) intent.detail += " (forced over a routing set since the cut-over)";
      std::int64_t entry = 0;
      try {
        std::lock_guard<std::mutex> guard(mutex);
        // Forced: the routing replaced becomes the one an undo brings back, before it is gone.
        if (item.forced)
          store.record_routing_after(target, item.phone_number, item.now, clock.now_iso());
        entry = store.record_intent(run, intent, clock.now_iso());
      } catch (const std::exception& e) {
        item.outcome = Outcome::Skipped;
        item.message = std::string("not changed: the state could not be written (") + e.what() + ")";
        return;
      }
      const TwilioAccount& account = request.desired.twilio_accounts.at(item.twilio_account);
      Result<OwnedNumber> r = twilio.api().update_routing(
          twilio_auth(account, credentials.at(item.twilio_account)), item.wanted.sid, item.wanted);
      if (!r.ok()) {
        item.outcome = r.error().maybe_committed ? Outcome::Unknown : Outcome::Failed;
        item.message = "Twilio refused the update: " + r.error().message;
      } else if (!same_routing(r.value().routing, item.wanted)) {
        item.outcome = Outcome::Failed;
        item.message = "Twilio answered with other routing: calls go to " +
                       describe_routing(r.value().routing);
      } else {
        item.outcome = Outcome::Ok;
      }
      std::lock_guard<std::mutex> guard(mutex);
      try {
        store.record_outcome(entry, item.outcome, item.message, "", clock.now_iso());
        if (item.outcome == Outcome::Ok) {
          store.mark_rolled_back(target, item.phone_number, !request.undo, clock.now_iso());
          if (request.undo)
            store.record_routing_after(target, item.phone_number, r.value().routing, clock.now_iso());
        }
      } catch (const std::exception& e) {
        item.message += std::string(" (the state could not record it: ") + e.what() + ")";
      }
    });
    bool ok = true;
    for (const auto& item : result.items) ok = ok && item.outcome == Outcome::Ok;
    const bool interrupted = request.stop && request.stop->load();
    result.outcome = interrupted ? RunOutcome::Interrupted : ok ? RunOutcome::Ok : RunOutcome::Failed;
    finish(result.outcome);
  } catch (...) {
    if (!finished) {
      try {
        finish(RunOutcome::Failed);
      } catch (const std::exception&) {
      }
    }
    throw;
  }
  return result;
}

}  // namespace xs::sync

#include "sync/cutover.h"

#include <map>
#include <optional>
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

using Kind = FallbackStep::Kind;
using State = ProbationFallback::State;

std::string describe_step(const FallbackStep& f, const std::string& until) {
  if (f.kind == Kind::Clear)
    return "clear the probation fallback " + mask_url_password(f.url) + " (ended " + f.until + ")";
  return "set the probation fallback " + mask_url_password(f.url) + " (" + f.method + ")" +
         (until.empty() ? std::string(", kept") : ", until " + until);
}

// One step against the number's routing now (seen); the Twilio update when it is needed.
FallbackResult settle(const FallbackStep& step, const TwilioRouting& seen, const TwilioAuth& auth,
                      TwilioApi& twilio, state::Store& store, std::int64_t target,
                      std::int64_t run, const std::string& origin, Clock& clock,
                      bool reached_xuna) {
  FallbackResult r;
  r.step = step;
  r.until = step.until;
  const long long now_s = static_cast<long long>(clock.unix_seconds());
  const std::string now = iso_utc(now_s);
  ProbationFallback fb;
  fb.url = step.url;
  fb.method = step.method;
  fb.changed_at = now;
  auto skip = [&](State state, const std::string& why) {
    fb.state = state;
    store.record_fallback(target, step.phone_number, fb);
    r.outcome = Outcome::Skipped;
    r.message = why;
    return r;
  };
  TwilioRouting wanted = seen;
  if (step.kind == Kind::Set) {
    fb.until = step.probation ? iso_utc(now_s + *step.probation) : step.until;
    r.until = fb.until;
    if (!routes_to(seen, origin))
      return skip(State::Untouched, "Twilio does not send its calls to XUNA (" +
                                        describe_routing(seen) + "): no probation fallback");
    if (!reached_xuna)  // cut over by a run that ended before its check: this is the check
      store.record_routing_after(target, step.phone_number, seen, now);
    if (seen.voice_fallback_url == step.url) {  // a killed run's update went through
      fb.state = State::Set;
      store.record_fallback(target, step.phone_number, fb);
      return r;
    }
    if (!seen.voice_fallback_url.empty())
      return skip(State::Untouched, "Twilio already falls back to " +
                                        mask_url_password(seen.voice_fallback_url) +
                                        " (set since the cut-over): not overwritten");
    wanted.voice_fallback_url = step.url;
    wanted.voice_fallback_method = step.method;
    fb.state = State::Setting;  // decided, before Twilio is asked
    store.record_fallback(target, step.phone_number, fb);
  } else {
    fb.until = step.until;
    if (seen.voice_fallback_url != step.url) {  // cleared already, or changed by hand: not ours
      fb.state = State::Cleared;
      store.record_fallback(target, step.phone_number, fb);
      return r;
    }
    wanted.voice_fallback_url.clear();
    wanted.voice_fallback_method =
        step.before.voice_fallback_method.empty() ? "POST" : step.before.voice_fallback_method;
  }
  state::ActionIntent intent;
  intent.kind = ActionKind::Fallback;
  intent.phone_number = step.phone_number;
  intent.detail = describe_step(step, fb.until);
  const std::int64_t entry = store.record_intent(run, intent, clock.now_iso());
  Result<OwnedNumber> answer = twilio.update_routing(auth, seen.sid, wanted);
  r.sent = true;
  if (!answer.ok()) {
    r.outcome = answer.error().maybe_committed ? Outcome::Unknown : Outcome::Failed;
    r.message = "Twilio refused the update: " + answer.error().message;
  } else if (answer.value().routing.voice_fallback_url != wanted.voice_fallback_url) {
    r.outcome = Outcome::Failed;
    r.message = "Twilio answered with another voice fallback";
  }
  store.record_outcome(entry, r.outcome, r.message, "", clock.now_iso());
  if (r.outcome == Outcome::Ok) {
    fb.state = step.kind == Kind::Set ? State::Set : State::Cleared;
    fb.changed_at = iso_utc(static_cast<long long>(clock.unix_seconds()));
    store.record_fallback(target, step.phone_number, fb);
  }
  return r;
}

}  // namespace

std::vector<FallbackResult> settle_fallbacks(const Planned& planned,
                                             const std::vector<RoutingCheck>& checks,
                                             TwilioSource& twilio, state::Store& store,
                                             std::int64_t target, std::int64_t run,
                                             const std::string& origin, Clock& clock) {
  std::vector<FallbackResult> out;
  if (planned.plan.fallbacks.empty()) return out;
  std::map<std::string, const RoutingCheck*> checked;
  for (const auto& c : checks) checked[c.phone_number] = &c;
  std::vector<const FallbackStep*> steps;  // an import's only after a good check
  std::set<std::string> accounts;          // to list: numbers the check did not list
  for (const auto& f : planned.plan.fallbacks) {
    auto c = checked.find(f.phone_number);
    if (f.with_import && (c == checked.end() || !c->second->ok)) continue;
    steps.push_back(&f);
    if (!f.with_import) accounts.insert(f.twilio_account);
  }
  if (steps.empty()) return out;
  std::set<std::string> all_accounts;
  for (const auto* f : steps) all_accounts.insert(f->twilio_account);
  std::map<std::string, TwilioCredentials> credentials;
  for (const auto& name : all_accounts) {
    auto c = planned.credentials.find(name);
    if (c != planned.credentials.end()) {
      credentials.insert(*c);
      continue;
    }
    try {
      credentials.merge(twilio.credentials(planned.desired, {name}));
    } catch (const std::exception& e) {
      log_warn(std::string("probation fallbacks not settled: ") + e.what());
    }
  }
  std::map<std::string, TwilioCredentials> to_list;
  for (const auto& name : accounts)
    if (credentials.count(name)) to_list[name] = credentials.at(name);
  const OwnedLists lists = list_owned(twilio.api(), planned.desired, to_list);
  std::map<std::string, const TwilioRouting*> listed;  // E.164 -> routing, from the lists
  for (const auto& [name, list] : lists)
    if (list.ok())
      for (const auto& n : list.value()) listed[n.phone_number] = &n.routing;
  for (const FallbackStep* f : steps) {
    FallbackResult failed;
    failed.step = *f;
    failed.outcome = Outcome::Failed;
    auto account = planned.desired.twilio_accounts.find(f->twilio_account);
    if (account == planned.desired.twilio_accounts.end() || !credentials.count(f->twilio_account)) {
      failed.message = "no credentials for Twilio account '" + f->twilio_account + "'";
      out.push_back(failed);
      continue;
    }
    std::optional<TwilioRouting> seen;
    if (f->with_import) {
      seen = checked.at(f->phone_number)->seen;
    } else {
      auto list = lists.find(f->twilio_account);
      if (list == lists.end() || !list->second.ok()) {
        failed.message = "could not list Twilio account '" + f->twilio_account + "'" +
                         (list == lists.end() ? std::string() : ": " + list->second.error().message);
        out.push_back(failed);
        continue;
      }
      if (auto n = listed.find(f->phone_number); n != listed.end()) seen = *n->second;
    }
    if (!seen) {
      failed.message = "Twilio account '" + f->twilio_account + "' no longer lists it";
      out.push_back(failed);
      continue;
    }
    try {
      out.push_back(settle(*f, *seen, twilio_auth(account->second, credentials.at(f->twilio_account)),
                           twilio.api(), store, target, run, origin, clock,
                           f->with_import || f->reached_xuna));
    } catch (const std::exception& e) {  // the state could not be written: nothing more is sent
      failed.message = std::string("not settled: the state could not be written (") + e.what() + ")";
      out.push_back(failed);
      break;
    }
  }
  return out;
}

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
  std::vector<std::pair<std::string, TwilioRouting>> reached;  // one transaction for them all
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
        reached.emplace_back(number, it->second->routing);
      }
      if (it != seen.end()) c.seen = it->second->routing;
      if (!c.ok) {
        log_debug("cut-over check of " + number + ": " + c.problem);
        journal_problem(store, run, c, now);
      }
      checks.push_back(std::move(c));
    }
  }
  store.record_routings_after(target, reached, now);
  return checks;
}

}  // namespace xs::sync

// The probation fallback (docs/DESIGN.md §9, issue 22): after a good cut-over Twilio falls back
// to the number's old webhook when XUNA's answers with an error or not at all, for a while.
#include <algorithm>
#include <chrono>

#include "plan/plan.h"
#include "util/clock.h"

namespace xs {
namespace {

// True when a number routed like this before its cut-over has a webhook to fall back to.
bool had_webhook(const TwilioRouting& before) {
  return before.trunk_sid.empty() && before.voice_application_sid.empty() &&
         !before.voice_url.empty();
}

// Why a number routed like this before its cut-over gets no probation fallback, or empty (also
// when it had no routing at all: nothing to fall back to, nothing to say).
std::string no_fallback_reason(const TwilioRouting& before) {
  if (!before.trunk_sid.empty() || !before.voice_application_sid.empty())
    return "its calls went to " + describe_routing(before) +
           ", not a webhook: no probation fallback, it keeps what it had";
  if (before.voice_url.empty()) return {};
  if (!before.voice_fallback_url.empty())
    return "it already has a voice fallback (" + mask_url_password(before.voice_fallback_url) +
           "): not overwritten, no probation fallback";
  return {};
}

FallbackStep set_step(const std::string& number, const std::string& account,
                      const TwilioRouting& before, const CutoverPolicy& policy) {
  FallbackStep f;
  f.kind = FallbackStep::Kind::Set;
  f.phone_number = number;
  f.twilio_account = account;
  f.url = before.voice_url;
  f.method = before.voice_method.empty() ? "POST" : before.voice_method;
  if (policy.fallback != FallbackPolicy::Keep) f.probation = policy.probation.count();
  f.before = before;
  return f;
}

}  // namespace

void plan_probation(const std::vector<const DesiredNumber*>& live_selected, const StateView& state,
                    const PlanOptions& options, Plan& plan) {
  std::string now;  // ISO-8601 UTC; empty without a now: nothing is due
  long long now_s = 0;
  if (options.now) {
    now_s = std::chrono::duration_cast<std::chrono::seconds>(options.now->time_since_epoch()).count();
    now = iso_utc(now_s);
  }
  auto planned_until = [&](const FallbackStep& f) {
    return !f.probation ? std::string() : now.empty() ? std::string("?") : iso_utc(now_s + *f.probation);
  };
  // This plan's imports: set after their cut-over check.
  for (const Action& a : plan.actions) {
    if (a.kind != ActionKind::Import || !a.routing_before ||
        a.cutover.fallback == FallbackPolicy::None)
      continue;
    const std::string why = no_fallback_reason(*a.routing_before);
    if (!why.empty()) plan.warnings.push_back({"probation", a.phone_number, why});
    if (!why.empty() || !had_webhook(*a.routing_before)) continue;
    FallbackStep f = set_step(a.phone_number, a.twilio_account, *a.routing_before, a.cutover);
    f.with_import = true;
    f.until = planned_until(f);
    plan.fallbacks.push_back(std::move(f));
  }
  // Numbers in XUNA that the state remembers cutting over.
  using State = ProbationFallback::State;
  for (const DesiredNumber* n : live_selected) {
    auto c = state.cutovers.find(n->phone_number);
    if (c == state.cutovers.end() || c->second.rolled_back) continue;
    const CutoverRecord& r = c->second;
    const ProbationFallback& fb = r.fallback;
    if (fb.state == State::Undecided || fb.state == State::Setting) {
      // Cut over by a run that ended before its fallback was settled.
      if (n->cutover.fallback == FallbackPolicy::None && fb.state == State::Undecided) continue;
      if (fb.state == State::Undecided &&
          (!no_fallback_reason(r.before).empty() || !had_webhook(r.before)))
        continue;
      FallbackStep f = set_step(n->phone_number, r.twilio_account, r.before, n->cutover);
      f.reached_xuna = r.reached_xuna;
      if (fb.state == State::Setting) {  // decided and journaled: the same again
        f.url = fb.url;
        f.method = fb.method;
        f.until = fb.until;
        f.probation.reset();
      } else {
        f.until = planned_until(f);
      }
      plan.fallbacks.push_back(std::move(f));
    } else if (fb.state == State::Set) {
      const bool due = !fb.until.empty() && !now.empty() && fb.until <= now;
      if (!due) {
        plan.probation.push_back({n->phone_number, fb.url, fb.until});
        continue;
      }
      FallbackStep f;
      f.kind = FallbackStep::Kind::Clear;
      f.phone_number = n->phone_number;
      f.twilio_account = r.twilio_account;
      f.url = fb.url;
      f.method = fb.method;
      f.until = fb.until;
      f.before = r.before;
      plan.fallbacks.push_back(std::move(f));
    }
  }
  auto by_phone = [](const auto& a, const auto& b) { return a.phone_number < b.phone_number; };
  std::sort(plan.fallbacks.begin(), plan.fallbacks.end(), by_phone);
  std::sort(plan.probation.begin(), plan.probation.end(), by_phone);
  plan.summary.in_probation = static_cast<int>(  // a fallback kept for good is no probation
      std::count_if(plan.probation.begin(), plan.probation.end(),
                    [](const InProbation& p) { return !p.until.empty(); }));
  plan.summary.fallbacks_to_set = static_cast<int>(
      std::count_if(plan.fallbacks.begin(), plan.fallbacks.end(),
                    [](const FallbackStep& f) { return f.kind == FallbackStep::Kind::Set; }));
  plan.summary.fallbacks_to_clear =
      static_cast<int>(plan.fallbacks.size()) - plan.summary.fallbacks_to_set;
}

}  // namespace xs

// The probation fallback (issue 22) through ApplySession and run_rollback, against a FakeTwilio
// and a temp-file SQLite state: set once after a good cut-over, cleared once the probation has
// ended (time from the FakeClock), never over a fallback that is not ours, and rolled back and
// undone with the rest of the routing.
#include <catch2/catch.hpp>

#include "sync/rollback.h"
#include "sync_world.h"
#include "util/clock.h"

using namespace xs;
using namespace xs::test;

namespace {

const std::string kA = "+15551230001", kB = "+15551230002";
const std::string kNight = "https://ops:n1ght-pw@ivr.example.com/night";

DesiredNumber with(DesiredNumber n, FallbackPolicy policy, long seconds = 14 * 86400) {
  n.cutover.fallback = policy;
  n.cutover.probation = std::chrono::seconds(seconds);
  return n;
}

struct Probation : SyncWorld {
  Desired two(FallbackPolicy policy = FallbackPolicy::Previous, long seconds = 14 * 86400) {
    return desired({with(number(kA, "A"), policy, seconds), with(number(kB, "B"), policy, seconds)});
  }
  Probation() {
    twilio.add(kMainSid, kA);
    twilio.add(kMainSid, kB, kNight);
  }
  state::RoutingSnapshot snapshot(const std::string& number) {
    for (const auto& s : store->snapshots(target_id()))
      if (s.phone_number == number) return s;
    FAIL("no snapshot of " << number);
    return {};
  }
  std::string in(long seconds) { return iso_utc(static_cast<long long>(clock.unix_seconds()) + seconds); }
  sync::RollbackResult rollback(const Desired& d, std::vector<std::string> numbers, bool undo) {
    sync::RollbackRequest r;
    r.desired = d;
    r.numbers = std::move(numbers);
    r.undo = undo;
    r.parallelism = 1;
    return sync::run_rollback(*store, source, clock, identity, target.api_url,
                              target.key_fingerprint, std::move(r), {});
  }
};

using State = ProbationFallback::State;

}  // namespace

TEST_CASE("probation: a good cut-over sets the old webhook as Twilio's fallback, once") {
  Probation w;
  const std::string until = w.in(14 * 86400);
  auto r = w.apply(w.two());
  CHECK(r.outcome == RunOutcome::Ok);
  REQUIRE(r.fallbacks.size() == 2);
  CHECK(w.twilio.count("update") == 2);  // one per number
  CHECK(w.twilio.routing_of(kA).voice_url == w.twilio.webhook);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url == kIvr);
  CHECK(w.twilio.routing_of(kA).voice_fallback_method == "POST");
  CHECK(w.twilio.routing_of(kB).voice_fallback_url == kNight);  // the password kept whole
  auto s = w.snapshot(kA);
  CHECK(s.fallback.state == State::Set);
  CHECK(s.fallback.url == kIvr);
  CHECK(s.fallback.until == until);
  // Journaled as actions, the password masked.
  int fallbacks = 0;
  for (const auto& a : w.store->actions_of(w.store->runs(w.target_id(), 1).at(0).id)) {
    if (a.kind != ActionKind::Fallback) continue;
    ++fallbacks;
    CHECK(a.outcome == Outcome::Ok);
    CHECK(a.detail.find("n1ght-pw") == std::string::npos);
  }
  CHECK(fallbacks == 2);
  // A plan now shows both in probation, and an apply sends nothing.
  auto again = w.apply(w.two());
  CHECK(again.outcome == RunOutcome::Ok);
  CHECK(again.planned.plan.fallbacks.empty());
  REQUIRE(again.planned.plan.probation.size() == 2);
  CHECK(again.planned.plan.probation[0].until == until);
  CHECK(again.planned.plan.summary.in_probation == 2);
  CHECK(w.twilio.count("update") == 2);
}

TEST_CASE("probation: cleared once it has ended, by the next run, and only then") {
  Probation w;
  REQUIRE(w.apply(w.two(FallbackPolicy::Previous, 30)).outcome == RunOutcome::Ok);
  REQUIRE(w.twilio.count("update") == 2);
  w.clock.now += 10;  // not yet
  auto early = w.apply(w.two(FallbackPolicy::Previous, 30));
  CHECK(early.planned.plan.fallbacks.empty());
  CHECK(w.twilio.count("update") == 2);
  w.clock.now += 25;
  auto due = w.apply(w.two(FallbackPolicy::Previous, 30));
  CHECK(due.outcome == RunOutcome::Ok);
  CHECK(due.planned.plan.summary.fallbacks_to_clear == 2);
  CHECK(w.twilio.count("update") == 4);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url.empty());
  CHECK(w.twilio.routing_of(kA).voice_url == w.twilio.webhook);  // XUNA stays
  CHECK(w.snapshot(kA).fallback.state == State::Cleared);
  auto after = w.apply(w.two(FallbackPolicy::Previous, 30));
  CHECK(after.planned.plan.fallbacks.empty());
  CHECK(after.planned.plan.probation.empty());
  CHECK(w.twilio.count("update") == 4);
}

TEST_CASE("probation: a clear respects --only") {
  Probation w;
  REQUIRE(w.apply(w.two(FallbackPolicy::Previous, 30)).outcome == RunOutcome::Ok);
  w.clock.now += 60;
  auto r = w.request(w.two(FallbackPolicy::Previous, 30));
  r.gather.plan.selection.only = {kA};
  CHECK(w.apply(std::move(r)).outcome == RunOutcome::Ok);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url.empty());
  CHECK(w.twilio.routing_of(kB).voice_fallback_url == kNight);  // not selected: untouched
  CHECK(w.snapshot(kB).fallback.state == State::Set);
}

TEST_CASE("probation: keep leaves it set, none never touches it") {
  Probation w;
  Desired d = w.desired({with(w.number(kA, "A"), FallbackPolicy::Keep, 0),
                         with(w.number(kB, "B"), FallbackPolicy::None, 0)});
  REQUIRE(w.apply(d).outcome == RunOutcome::Ok);
  CHECK(w.twilio.count("update") == 1);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url == kIvr);
  CHECK(w.snapshot(kA).fallback.until.empty());
  CHECK(w.twilio.routing_of(kB).voice_fallback_url.empty());
  w.clock.now += 86400;
  auto later = w.apply(d);
  CHECK(later.planned.plan.fallbacks.empty());
  CHECK(later.planned.plan.summary.in_probation == 0);  // kept is no probation
  CHECK(w.twilio.count("update") == 1);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url == kIvr);
}

TEST_CASE("probation: routing with no webhook of its own before keeps what it had") {
  SyncWorld w;
  const std::string kC = "+15551230003";
  w.twilio.add(kMainSid, kA, "https://ignored.example/", "AP0123456789abcdef0123456789abcdef");
  w.twilio.add(kMainSid, kB, "");
  w.twilio.add(kMainSid, kC);
  w.twilio.edit(kC, [](TwilioRouting& r) { r.voice_fallback_url = "https://own.example/fb"; });
  auto r = w.request(w.desired({with(w.number(kA, "A"), FallbackPolicy::Previous),
                                with(w.number(kB, "B"), FallbackPolicy::Previous),
                                with(w.number(kC, "C"), FallbackPolicy::Previous)}));
  r.gather.plan.allow_routing_takeover = true;
  auto result = w.apply(std::move(r));
  CHECK(result.planned.plan.fallbacks.empty());
  std::map<std::string, std::string> said;
  for (const auto& wn : result.planned.plan.warnings)
    if (wn.kind == "probation") said[wn.phone_number] = wn.message;
  CHECK_THAT(said[kA], Catch::Contains("TwiML app") && Catch::Contains("keeps what it had"));
  CHECK_THAT(said[kC], Catch::Contains("already has a voice fallback") &&
                           Catch::Contains("not overwritten"));
  CHECK(said.count(kB) == 0);  // nothing to fall back to: nothing to say
  CHECK(w.twilio.count("update") == 0);
  CHECK(w.twilio.routing_of(kC).voice_fallback_url == "https://own.example/fb");
}

TEST_CASE("probation: a fallback XUNA set itself is never overwritten") {
  Probation w;
  w.xuna.on_import = [&](const ImportRequest& r) {
    w.twilio.repoint_at_xuna(r.phone_number);
    w.twilio.edit(r.phone_number,
                  [](TwilioRouting& t) { t.voice_fallback_url = "https://xuna.example/fallback"; });
  };
  auto r = w.apply(w.two());
  CHECK(r.outcome == RunOutcome::Ok);  // a warning, not a failure
  REQUIRE(r.fallbacks.size() == 2);
  CHECK(r.fallbacks[0].outcome == Outcome::Skipped);
  CHECK_THAT(r.fallbacks[0].message, Catch::Contains("not overwritten"));
  CHECK(w.twilio.count("update") == 0);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url == "https://xuna.example/fallback");
  CHECK(w.snapshot(kA).fallback.state == State::Untouched);
  CHECK(w.apply(w.two()).planned.plan.fallbacks.empty());
}

TEST_CASE("probation: a fallback Twilio refuses fails the run, the import stands, the next run sets it") {
  Probation w;
  w.twilio.update_faults["PN15551230001"] = FakeTwilio::Fault::Refuse;
  auto r = w.apply(w.two());
  CHECK(r.outcome == RunOutcome::Failed);  // exit 1
  CHECK(r.report.ok == 2);                 // both imports stand
  CHECK(w.xuna.numbers.size() == 2);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url.empty());
  CHECK(w.snapshot(kA).fallback.state == State::Setting);
  const std::string until = w.snapshot(kA).fallback.until;
  w.clock.now += 5;
  auto next = w.apply(w.two());
  CHECK(next.outcome == RunOutcome::Ok);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url == kIvr);
  CHECK(w.snapshot(kA).fallback.state == State::Set);
  CHECK(w.snapshot(kA).fallback.until == until);  // the probation is not extended
}

TEST_CASE("probation: a run that ended after the update finds it set and sends nothing") {
  Probation w;
  REQUIRE(w.apply(w.two()).outcome == RunOutcome::Ok);
  // As a run killed after Twilio took the update but before the state heard of it leaves it.
  auto f = w.snapshot(kA).fallback;
  f.state = State::Setting;
  w.store->record_fallback(w.target_id(), kA, f);
  const int updates = w.twilio.count("update");
  auto next = w.apply(w.two());
  CHECK(next.outcome == RunOutcome::Ok);
  CHECK(w.twilio.count("update") == updates);
  CHECK(w.snapshot(kA).fallback.state == State::Set);
}

TEST_CASE("probation: rollback restores the snapshot exactly, undo brings the fallback back") {
  Probation w;
  const Desired d = w.two(FallbackPolicy::Previous, 60);
  REQUIRE(w.apply(d).outcome == RunOutcome::Ok);
  const TwilioRouting before_a = w.snapshot(kA).before;
  auto r = w.rollback(d, {kA}, false);
  CHECK(r.outcome == RunOutcome::Ok);  // our fallback counts as ours: restored
  CHECK(same_routing(w.twilio.routing_of(kA), before_a));
  CHECK(w.twilio.routing_of(kA).voice_fallback_url.empty());
  auto undo = w.rollback(d, {kA}, true);  // during the probation: with the fallback
  CHECK(undo.outcome == RunOutcome::Ok);
  CHECK(w.twilio.routing_of(kA).voice_url == w.twilio.webhook);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url == kIvr);
  // After the probation: rolled back and undone, XUNA alone.
  w.clock.now += 120;
  REQUIRE(w.rollback(d, {kA}, false).outcome == RunOutcome::Ok);
  REQUIRE(w.rollback(d, {kA}, true).outcome == RunOutcome::Ok);
  CHECK(w.twilio.routing_of(kA).voice_url == w.twilio.webhook);
  CHECK(w.twilio.routing_of(kA).voice_fallback_url.empty());
  // The next apply has nothing of ours left to clear on A, and sends nothing for it; B's
  // probation has ended too, and B still has the fallback: one update, B's.
  const int updates = w.twilio.count("update");
  CHECK(w.apply(d).outcome == RunOutcome::Ok);
  CHECK(w.twilio.count("update") == updates + 1);
  CHECK(w.snapshot(kA).fallback.state == State::Cleared);
  CHECK(w.snapshot(kB).fallback.state == State::Cleared);
  CHECK(w.twilio.routing_of(kB).voice_fallback_url.empty());
}

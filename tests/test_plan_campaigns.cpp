// Campaign windows, time zones and suppression through make_plan, with "now" injected: which
// chunks go, which wait or have expired, what a later run sends, and what the lists leave out.
#include <date/date.h>

#include <catch2/catch.hpp>

#include "model/digest_of.h"
#include "plan/plan.h"

using namespace xs;
using namespace date::literals;
using std::chrono::hours;
using std::chrono::minutes;
using TimePoint = std::chrono::system_clock::time_point;

namespace {

const std::string kAgent = "agent_support0000000000000001";
const std::string kFrom = "+12125550100";

TimePoint utc(date::year_month_day day, int h, int m = 0) {
  return date::sys_days(day) + hours(h) + minutes(m);
}

BatchCallTarget to(const std::string& number, const std::string& zone = "") {
  BatchCallTarget t;
  t.to = number;
  t.timezone = zone;
  return t;
}

// A mapping with one number (live, in sync) and one campaign from it.
Desired campaign(std::vector<BatchCallTarget> calls, CampaignWindow window = {}) {
  Desired d;
  DesiredNumber n;
  n.phone_number = kFrom;
  n.label = "Outbound";
  n.twilio_account = "main";
  d.numbers.push_back(n);
  BatchCampaign b;
  b.name = "renewals";
  b.agent_id = kAgent;
  b.agent_ref = "support";
  b.from = kFrom;
  b.calls = std::move(calls);
  b.window = window;
  d.batches.push_back(b);
  return d;
}

const LiveList kLive = {{"pn_1", kFrom, "Outbound", std::nullopt}};

StateView history() {
  StateView s;
  s.has_history = true;
  return s;
}

// The state after chunks were recorded with status for this campaign's content.
StateView recorded(const Desired& d, const std::map<int, BatchStatus>& chunks) {
  StateView s = history();
  BatchRecord r;
  r.name = d.batches[0].name;
  r.digest = batch_digest(d.batches[0]);
  r.chunks = chunks;
  s.batches[r.name] = r;
  return s;
}

CampaignWindow hours_window(int from_h, int to_h, const std::string& zone, unsigned days = 0x7f) {
  CampaignWindow w;
  CallingHours h;
  h.from_minute = from_h * 60;
  h.to_minute = to_h * 60;
  h.timezone = zone;
  h.days = days;
  w.hours = h;
  return w;
}

PlanOptions at(TimePoint now, int chunk = 1000) {
  PlanOptions o;
  o.now = now;
  o.batch_chunk = chunk;
  return o;
}

const Action* batch_action(const Plan& p) {
  for (const auto& a : p.actions)
    if (a.kind == ActionKind::Batch) return &a;
  return nullptr;
}

std::vector<std::string> warnings_of(const Plan& p, const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& w : p.warnings)
    if (w.kind == kind) out.push_back(w.message);
  return out;
}

// The numbers each chunk to send would dial.
std::vector<std::vector<std::string>> dialled(const Action& a) {
  std::vector<std::vector<std::string>> out;
  for (const auto& chunk : a.chunk_calls) {
    out.emplace_back();
    for (std::size_t i : chunk) out.back().push_back(a.campaign->calls[i].to);
  }
  return out;
}

using Numbers = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("a campaign inside not_before/not_after is sent, before it waits, after it expires") {
  CampaignWindow w;
  w.not_before = utc(2026_y / 11 / 30, 14);
  w.not_after = utc(2026_y / 12 / 1, 0);
  const Desired d = campaign({to("+12125550101"), to("+12125550102")}, w);

  SECTION("open") {
    const Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 30, 14)));
    const Action* a = batch_action(p);
    REQUIRE(a);
    CHECK(a->chunks == std::vector<int>{0});
    CHECK(a->calls == 2);
    CHECK(p.summary.batches == 1);
    CHECK(p.warnings.empty());
  }
  SECTION("waiting") {
    const Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 30, 13, 59)));
    CHECK_FALSE(batch_action(p));
    CHECK(p.summary.batches == 0);
    CHECK(p.summary.unknown_batches == 0);
    CHECK(warnings_of(p, "batch_waiting") ==
          std::vector<std::string>{"waiting until 2026-11-30 14:00 UTC"});
  }
  SECTION("expired") {
    const Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 12 / 1, 0)));
    CHECK_FALSE(batch_action(p));
    CHECK(p.summary.unknown_batches == 0);
    CHECK(warnings_of(p, "batch_expired") ==
          std::vector<std::string>{"expired at 2026-12-01 00:00 UTC, never sent"});
  }
  SECTION("without a clock a windowed campaign is not sent") {
    const Plan p = make_plan(d, kLive, history(), {}, PlanOptions{});
    CHECK_FALSE(batch_action(p));
    CHECK(warnings_of(p, "batch_waiting").size() == 1);
  }
}

TEST_CASE("recipients in two zones: the open zone's chunks go, the other waits") {
  // 09:00-20:00 in New York by default; two recipients in Los Angeles
  const Desired d = campaign({to("+12125550101"), to("+13105550102", "America/Los_Angeles"),
                              to("+12125550103"), to("+13105550104", "America/Los_Angeles")},
                             hours_window(9, 20, "America/New_York"));
  // chunks, one call each, zones in name order: LA 0 (…102), 1 (…104); NY 2 (…101), 3 (…103)
  // Monday 2026-11-30 15:00 UTC: 10:00 in New York, 07:00 in Los Angeles
  const Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 30, 15), 1));
  const Action* a = batch_action(p);
  REQUIRE(a);
  CHECK(a->chunks == std::vector<int>{2, 3});
  CHECK(dialled(*a) == Numbers{{"+12125550101"}, {"+12125550103"}});
  CHECK(a->calls == 2);
  CHECK(warnings_of(p, "batch_waiting") ==
        std::vector<std::string>{
            "waiting until 2026-11-30 09:00 PST for recipients in America/Los_Angeles"});

  SECTION("a later run sends the other zone when it opens, and does not resend") {
    const StateView s = recorded(d, {{2, BatchStatus::Sent}, {3, BatchStatus::Sent}});
    // still 07:30 in Los Angeles: nothing to send, the waiting zone is reported
    Plan early = make_plan(d, kLive, s, {}, at(utc(2026_y / 11 / 30, 15, 30), 1));
    CHECK_FALSE(batch_action(early));
    CHECK(warnings_of(early, "batch_waiting").size() == 1);
    // 09:30 in Los Angeles (12:30 in New York, still open there)
    const Plan later = make_plan(d, kLive, s, {}, at(utc(2026_y / 11 / 30, 17, 30), 1));
    const Action* b = batch_action(later);
    REQUIRE(b);
    CHECK(b->chunks == std::vector<int>{0, 1});
    CHECK(dialled(*b) == Numbers{{"+13105550102"}, {"+13105550104"}});
    CHECK(later.warnings.empty());
    // once every chunk is recorded, nothing more
    const StateView all = recorded(d, {{0, BatchStatus::Sent},
                                       {1, BatchStatus::Sent},
                                       {2, BatchStatus::Sent},
                                       {3, BatchStatus::Sent}});
    const Plan done = make_plan(d, kLive, all, {}, at(utc(2026_y / 11 / 30, 17, 30), 1));
    CHECK_FALSE(batch_action(done));
    CHECK(done.warnings.empty());
  }
}

TEST_CASE("calling hours follow America/New_York across both DST transitions") {
  const Desired d = campaign({to("+12125550101")}, hours_window(9, 20, "America/New_York"));
  SECTION("spring forward (2026-03-08): 09:00 EDT is 13:00 UTC the next day") {
    // 08:30 EDT: a fixed EST offset would call it 07:30, the wrong way round for the check
    Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 3 / 9, 12, 30)));
    CHECK_FALSE(batch_action(p));
    CHECK(warnings_of(p, "batch_waiting") ==
          std::vector<std::string>{"waiting until 2026-03-09 09:00 EDT for recipients in "
                                   "America/New_York"});
    // 09:30 EDT = 13:30 UTC: open (with EST it would still be 08:30)
    p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 3 / 9, 13, 30)));
    CHECK(batch_action(p));
    // the Saturday before, 09:00 EST = 14:00 UTC: 13:30 UTC still waits
    p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 3 / 7, 13, 30)));
    CHECK_FALSE(batch_action(p));
    CHECK(warnings_of(p, "batch_waiting")[0].find("2026-03-07 09:00 EST") != std::string::npos);
  }
  SECTION("fall back (2026-11-01): 09:00 EST is 14:00 UTC the next day") {
    // 13:30 UTC = 08:30 EST (it would be 09:30 with the summer offset): waits
    Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 2, 13, 30)));
    CHECK_FALSE(batch_action(p));
    CHECK(warnings_of(p, "batch_waiting") ==
          std::vector<std::string>{"waiting until 2026-11-02 09:00 EST for recipients in "
                                   "America/New_York"});
    p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 2, 14)));
    CHECK(batch_action(p));
    // 20:00 EDT on the Saturday before is 00:00 UTC: closed from then
    p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 1, 0)));
    CHECK_FALSE(batch_action(p));
    p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 10 / 31, 23, 59)));
    CHECK(batch_action(p));
  }
}

TEST_CASE("an expired campaign is never sent, not with --resubmit, not from a new state") {
  CampaignWindow w;
  w.not_after = utc(2026_y / 11 / 1, 0);
  const Desired d = campaign({to("+12125550101"), to("+12125550102")}, w);
  PlanOptions o = at(utc(2026_y / 11 / 30, 12), 1);
  o.resubmit = {"renewals"};
  const std::vector<std::string> expired{"expired at 2026-11-01 00:00 UTC, never sent"};

  SECTION("chunks of unknown outcome, --resubmit") {
    const Plan p = make_plan(
        d, kLive, recorded(d, {{0, BatchStatus::Unknown}, {1, BatchStatus::Failed}}), {}, o);
    CHECK_FALSE(batch_action(p));
    CHECK(warnings_of(p, "batch_expired") == expired);
    CHECK(warnings_of(p, "batch_unknown").empty());
  }
  SECTION("no record, --resubmit") {
    const Plan p = make_plan(d, kLive, history(), {}, o);
    CHECK_FALSE(batch_action(p));
    CHECK(warnings_of(p, "batch_expired") == expired);
  }
  SECTION("a state with no history of a from number XUNA has: expired, not unknown") {
    const Plan p = make_plan(d, kLive, StateView{}, {}, at(utc(2026_y / 11 / 30, 12), 1));
    CHECK_FALSE(batch_action(p));
    CHECK(warnings_of(p, "batch_expired") == expired);
    CHECK(warnings_of(p, "batch_guard").empty());
    CHECK(p.unrecorded.empty());
    CHECK(p.summary.unknown_batches == 0);
    CHECK_FALSE(p.has_pending());
  }
}

TEST_CASE("suppressed recipients are left out of each chunk and counted") {
  Desired d = campaign({to("+12125550101"), to("+12125550102"), to("+12125550103"),
                        to("+12125550104"), to("+12125550105")});
  d.suppressed = {"+12125550102", "+12125550103", "+12125550104"};  // sorted
  const Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 30, 12), 2));
  const Action* a = batch_action(p);
  REQUIRE(a);
  // chunks keep their numbers; the middle one has nobody left and is still planned (recorded
  // as sent without a request)
  CHECK(a->chunks == std::vector<int>{0, 1, 2});
  CHECK(dialled(*a) == Numbers{{"+12125550101"}, {}, {"+12125550105"}});
  CHECK(a->calls == 2);
  CHECK(a->suppressed == 3);

  SECTION("every recipient suppressed") {
    d.suppressed = {"+12125550101", "+12125550102", "+12125550103", "+12125550104", "+12125550105"};
    const Plan all = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 30, 12), 2));
    const Action* b = batch_action(all);
    REQUIRE(b);
    CHECK(b->calls == 0);
    CHECK(b->suppressed == 5);
    CHECK(dialled(*b) == Numbers{{}, {}, {}});
  }
  SECTION("only the chunks sent now are counted") {
    const Plan later = make_plan(d, kLive, recorded(d, {{0, BatchStatus::Sent}}), {},
                                 at(utc(2026_y / 11 / 30, 12), 2));
    const Action* b = batch_action(later);
    REQUIRE(b);
    CHECK(b->chunks == std::vector<int>{1, 2});
    CHECK(b->suppressed == 2);
    CHECK(b->calls == 1);
  }
}

TEST_CASE("a campaign without zones chunks as before: in call order, numbered from 0") {
  const std::vector<BatchCallTarget> calls = {to("+12125550101"), to("+12125550102"),
                                              to("+12125550103"), to("+12125550104"),
                                              to("+12125550105")};
  const Numbers expected{
      {"+12125550101", "+12125550102"}, {"+12125550103", "+12125550104"}, {"+12125550105"}};
  SECTION("no window at all, no clock") {
    const Desired d = campaign(calls);
    PlanOptions o;
    o.batch_chunk = 2;
    const Plan p = make_plan(d, kLive, history(), {}, o);
    const Action* a = batch_action(p);
    REQUIRE(a);
    CHECK(a->chunks == std::vector<int>{0, 1, 2});
    CHECK(dialled(*a) == expected);
    const Plan rest = make_plan(d, kLive, recorded(d, {{0, BatchStatus::Sent}}), {}, o);
    REQUIRE(batch_action(rest));
    CHECK(batch_action(rest)->chunks == std::vector<int>{1, 2});
    CHECK(dialled(*batch_action(rest)) == Numbers{expected[1], expected[2]});
  }
  SECTION("calling hours in one zone: one group, the same chunks") {
    const Desired d = campaign(calls, hours_window(9, 20, "America/New_York"));
    const Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 30, 15), 2));
    const Action* a = batch_action(p);
    REQUIRE(a);
    CHECK(a->chunks == std::vector<int>{0, 1, 2});
    CHECK(dialled(*a) == expected);
  }
}

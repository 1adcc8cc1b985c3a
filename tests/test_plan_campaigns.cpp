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

// The state after these recipients were recorded with these statuses for this content.
StateView recorded(const Desired& d, const std::map<std::string, CallStatus>& calls) {
  StateView s = history();
  const BatchCampaign& b = d.batches[0];
  for (const auto& [number, status] : calls) {
    std::string digest;
    for (const auto& c : b.calls)
      if (c.to == number) digest = call_digest(b, c);
    s.campaigns[b.name][{number, 1}] = {status, "key-" + number, digest, batch_digest(b)};
  }
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

// The numbers each request to send would dial.
std::vector<std::vector<std::string>> dialled(const Action& a) {
  std::vector<std::vector<std::string>> out;
  for (const auto& r : a.requests) {
    out.emplace_back();
    for (std::size_t i : r.calls) out.back().push_back(a.campaign->calls[i].to);
  }
  return out;
}

const CampaignCounts& counts(const Plan& p) {
  REQUIRE(p.campaigns.size() == 1);
  return p.campaigns[0];
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
    CHECK(a->requests.size() == 1);
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
          std::vector<std::string>{"2 recipients waiting until 2026-11-30 14:00 UTC"});
    CHECK(counts(p).waiting == 2);
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

TEST_CASE("recipients in two zones: the open zone's recipients go, the other waits") {
  // 09:00-20:00 in New York by default; two recipients in Los Angeles
  const Desired d = campaign({to("+12125550101"), to("+13105550102", "America/Los_Angeles"),
                              to("+12125550103"), to("+13105550104", "America/Los_Angeles")},
                             hours_window(9, 20, "America/New_York"));
  // Monday 2026-11-30 15:00 UTC: 10:00 in New York, 07:00 in Los Angeles; one call a request
  const Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 30, 15), 1));
  const Action* a = batch_action(p);
  REQUIRE(a);
  CHECK(dialled(*a) == Numbers{{"+12125550101"}, {"+12125550103"}});
  CHECK(a->calls == 2);
  CHECK(warnings_of(p, "batch_waiting") ==
        std::vector<std::string>{
            "2 recipients in America/Los_Angeles waiting until 2026-11-30 09:00 PST"});
  CHECK(counts(p).waiting_by_zone == std::map<std::string, int>{{"America/Los_Angeles", 2}});

  SECTION("a later run sends the other zone when it opens, and does not resend") {
    const StateView s = recorded(d, {{"+12125550101", CallStatus::Sent}, {"+12125550103", CallStatus::Sent}});
    // still 07:30 in Los Angeles: nothing to send, the waiting zone is reported
    Plan early = make_plan(d, kLive, s, {}, at(utc(2026_y / 11 / 30, 15, 30), 1));
    CHECK_FALSE(batch_action(early));
    CHECK(warnings_of(early, "batch_waiting").size() == 1);
    // 09:30 in Los Angeles (12:30 in New York, still open there)
    const Plan later = make_plan(d, kLive, s, {}, at(utc(2026_y / 11 / 30, 17, 30), 1));
    const Action* b = batch_action(later);
    REQUIRE(b);
    CHECK(dialled(*b) == Numbers{{"+13105550102"}, {"+13105550104"}});
    CHECK(later.warnings.empty());
    // once every recipient is recorded, nothing more
    const StateView all = recorded(d, {{"+12125550101", CallStatus::Sent},
                                       {"+13105550102", CallStatus::Sent},
                                       {"+12125550103", CallStatus::Sent},
                                       {"+13105550104", CallStatus::Sent}});
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
          std::vector<std::string>{"1 recipient in America/New_York waiting until "
                                   "2026-03-09 09:00 EDT"});
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
          std::vector<std::string>{"1 recipient in America/New_York waiting until "
                                   "2026-11-02 09:00 EST"});
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

  SECTION("recipients of unknown outcome, --resubmit: still unknown, never sent") {
    const Plan p = make_plan(
        d, kLive, recorded(d, {{"+12125550101", CallStatus::Unknown}, {"+12125550102", CallStatus::Failed}}), {}, o);
    CHECK_FALSE(batch_action(p));
    CHECK(warnings_of(p, "batch_expired") == expired);
    CHECK(counts(p).unknown == 0);
    CHECK(counts(p).expired == 2);  // the unknown one too: it can never be sent again
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

TEST_CASE("suppressed recipients are left out before chunking, counted, and marked") {
  Desired d = campaign({to("+12125550101"), to("+12125550102"), to("+12125550103"),
                        to("+12125550104"), to("+12125550105")});
  d.suppressed = {"+12125550102", "+12125550103", "+12125550104"};  // sorted
  const Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 30, 12), 2));
  const Action* a = batch_action(p);
  REQUIRE(a);
  CHECK(dialled(*a) == Numbers{{"+12125550101", "+12125550105"}});
  CHECK(a->calls == 2);
  CHECK(a->suppressed == 3);
  REQUIRE(p.marks.size() == 1);
  CHECK(p.marks[0].suppressed.size() == 3);

  SECTION("every recipient suppressed: nothing to send, and no action") {
    d.suppressed = {"+12125550101", "+12125550102", "+12125550103", "+12125550104", "+12125550105"};
    const Plan all = make_plan(d, kLive, history(), {}, at(utc(2026_y / 11 / 30, 12), 2));
    CHECK_FALSE(batch_action(all));
    CHECK(counts(all).suppressed == 5);
    CHECK_FALSE(all.has_pending());
  }
  SECTION("recorded as suppressed once: not marked again") {
    StateView s = recorded(d, {{"+12125550101", CallStatus::Sent},
                               {"+12125550102", CallStatus::Suppressed},
                               {"+12125550103", CallStatus::Suppressed},
                               {"+12125550104", CallStatus::Suppressed}});
    const Plan later = make_plan(d, kLive, s, {}, at(utc(2026_y / 11 / 30, 12), 2));
    const Action* b = batch_action(later);
    REQUIRE(b);
    CHECK(dialled(*b) == Numbers{{"+12125550105"}});
    CHECK(later.marks.empty());
  }
  SECTION("taken off the list: dialled on the next run") {
    StateView s = recorded(d, {{"+12125550102", CallStatus::Suppressed}});
    d.suppressed = {};
    const Plan later = make_plan(d, kLive, s, {}, at(utc(2026_y / 11 / 30, 12), 10));
    REQUIRE(batch_action(later));
    CHECK(batch_action(later)->calls == 5);
  }
}

TEST_CASE("who is dialled does not depend on the chunk size, only on the ledger") {
  const std::vector<BatchCallTarget> calls = {to("+12125550101"), to("+12125550102"),
                                              to("+12125550103"), to("+12125550104"),
                                              to("+12125550105")};
  const Desired d = campaign(calls);
  const StateView s = recorded(d, {{"+12125550101", CallStatus::Sent},
                                   {"+12125550102", CallStatus::Unknown},
                                   {"+12125550103", CallStatus::Failed}});
  for (int size : {1, 2, 3, 1000}) {
    INFO("chunk " << size);
    PlanOptions o;
    o.batch_chunk = size;
    const Plan p = make_plan(d, kLive, s, {}, o);
    const Action* a = batch_action(p);
    REQUIRE(a);
    std::vector<std::string> all;
    for (const auto& r : dialled(*a)) {
      CHECK(static_cast<int>(r.size()) <= size);
      all.insert(all.end(), r.begin(), r.end());
    }
    CHECK(all == std::vector<std::string>{"+12125550103", "+12125550104", "+12125550105"});
    CHECK(counts(p).dialled == 1);
    CHECK(counts(p).unknown == 1);
    CHECK(counts(p).failed == 1);
    CHECK(counts(p).to_dial == 3);
    CHECK(warnings_of(p, "batch_unknown").size() == 1);
  }
}

TEST_CASE("a resubmit sends the unknown recipients as they went, with their first key") {
  const Desired d = campaign({to("+12125550101"), to("+12125550102"), to("+12125550103")});
  StateView s = recorded(d, {{"+12125550101", CallStatus::Sent}});
  s.campaigns["renewals"][{"+12125550102", 1}] = {CallStatus::Unknown, "k1", "", ""};
  s.campaigns["renewals"][{"+12125550103", 1}] = {CallStatus::Unknown, "k1", "", ""};
  PlanOptions o;
  o.batch_chunk = 1;
  o.resubmit = {"renewals"};
  const Plan p = make_plan(d, kLive, s, {}, o);
  const Action* a = batch_action(p);
  REQUIRE(a);
  REQUIRE(a->requests.size() == 1);
  CHECK(a->requests[0].key == "k1");
  CHECK(dialled(*a) == Numbers{{"+12125550102", "+12125550103"}});
}

TEST_CASE("dial_rate: a request goes only if its last call starts before the window closes") {
  // 09:00-20:00 New York; at 19:50 EST (00:50 UTC the next day) ten minutes are left
  std::vector<BatchCallTarget> calls;
  for (int i = 0; i < 30; ++i) calls.push_back(to("+121255501" + std::to_string(10 + i)));
  Desired d = campaign(calls, hours_window(9, 20, "America/New_York"));
  d.batches[0].dial_rate = 2;  // two calls a minute: twenty fit in ten minutes
  const Plan p = make_plan(d, kLive, history(), {}, at(utc(2026_y / 12 / 1, 0, 50), 1000));
  const Action* a = batch_action(p);
  REQUIRE(a);
  CHECK(a->calls == 20);
  REQUIRE(a->requests.size() == 1);
  REQUIRE(a->requests[0].last_call);
  CHECK(*a->requests[0].last_call == utc(2026_y / 12 / 1, 1, 0));
  CHECK(counts(p).waiting == 10);
  CHECK(counts(p).last_call == a->requests[0].last_call);

  SECTION("max_calls_per_run caps a run; the rest wait") {
    d.batches[0].dial_rate = 0;
    d.batches[0].max_calls_per_run = 7;
    const Plan q = make_plan(d, kLive, history(), {}, at(utc(2026_y / 12 / 1, 0, 50), 3));
    REQUIRE(batch_action(q));
    CHECK(batch_action(q)->calls == 7);
    CHECK(batch_action(q)->requests.size() == 3);
    CHECK(counts(q).waiting == 23);
  }
}

TEST_CASE("a renamed campaign whose recipients were dialled is held back, unknown says so") {
  const Desired d = campaign({to("+12125550101"), to("+12125550102")});
  Desired renamed = d;
  renamed.batches[0].name = "renewals-v2";
  SECTION("sent") {
    const Plan p = make_plan(renamed, kLive, recorded(d, {{"+12125550101", CallStatus::Sent}}), {}, {});
    CHECK_FALSE(batch_action(p));
    REQUIRE(warnings_of(p, "batch_renamed").size() == 1);
    CHECK(warnings_of(p, "batch_renamed")[0].find("were already sent as campaign 'renewals'") !=
          std::string::npos);
  }
  SECTION("only unknown") {
    const Plan p = make_plan(renamed, kLive, recorded(d, {{"+12125550101", CallStatus::Unknown}}), {}, {});
    CHECK_FALSE(batch_action(p));
    REQUIRE(warnings_of(p, "batch_renamed").size() == 1);
    CHECK(warnings_of(p, "batch_renamed")[0].find("have an unknown outcome as campaign 'renewals'") !=
          std::string::npos);
  }
}

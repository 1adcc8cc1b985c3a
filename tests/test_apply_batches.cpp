// Batch campaigns through plan and apply: each chunk sent at most once, unknowns never resent.
#include <catch2/catch.hpp>

#include "fakes.h"
#include "model/digest_of.h"
#include "plan/plan.h"

using namespace xs;
using xs::test::FakeJournal;
using xs::test::FakeXuna;

namespace {

const std::string kAgent = "agent_support0000000000000001";

Desired campaign(int calls, const std::string& name = "renewals") {
  Desired d;
  DesiredNumber from;
  from.phone_number = "+15550000001";
  from.label = "Outbound";
  from.twilio_account = "main";
  d.numbers.push_back(from);
  BatchCampaign b;
  b.name = name;
  b.agent_id = kAgent;
  b.agent_ref = "support";
  b.from = "+15550000001";
  for (int i = 0; i < calls; ++i) {
    BatchCallTarget t;
    t.to = "+1666" + std::to_string(1000000 + i);
    if (i == 0) {
      Value agent = Value::object();
      agent.set("first_message", Value::string("Hi John"));
      Value o = Value::object();
      o.set("agent", agent);
      t.override = o;
    }
    b.calls.push_back(t);
  }
  d.batches.push_back(b);
  return d;
}

std::map<std::string, TwilioCredentials> creds() {
  return {{"main", {"AC0123456789abcdef0123456789abcdef", Secret("tok")}}};
}

// The state as the store would fold the fake journal's chunk records.
StateView view_of(const FakeJournal& j, const Desired& d) {
  StateView v;
  for (const auto& [name, chunks] : j.chunks) {
    BatchRecord r;
    r.name = name;
    r.chunks = chunks;
    for (const auto& b : d.batches)
      if (b.name == name) r.digest = batch_digest(b);
    v.batches[name] = r;
  }
  return v;
}

ApplyReport run(FakeXuna& api, FakeJournal& journal, const Desired& d, PlanOptions po = {}) {
  Plan plan = make_plan(d, api.list_numbers().value(), view_of(journal, d), {}, po);
  ApplyOptions o;
  o.target_salt = "http://x\nfp";
  return apply_plan(plan, api, journal, creds(), o);
}

}  // namespace

TEST_CASE("a campaign is sent once, from a number imported in the same run, overrides intact") {
  FakeXuna api;
  FakeJournal journal;
  Desired d = campaign(2);
  auto report = run(api, journal, d);
  CHECK(report.success());
  REQUIRE(api.batches.size() == 1);
  CHECK(api.batches[0].from_phone_number_id == "id_+15550000001");
  CHECK(api.batches[0].agent_id == kAgent);
  REQUIRE(api.batches[0].calls.size() == 2);
  REQUIRE(api.batches[0].calls[0].conversation_config_override.has_value());
  CHECK(*api.batches[0].calls[0].conversation_config_override == *d.batches[0].calls[0].override);
  CHECK_FALSE(api.batches[0].calls[1].conversation_config_override.has_value());
  run(api, journal, d);
  run(api, journal, d);
  CHECK(api.batches.size() == 1);
}

TEST_CASE("a large campaign goes in chunks, each recorded on its own") {
  FakeXuna api;
  FakeJournal journal;
  Desired d = campaign(2500);
  PlanOptions po;
  po.batch_chunk = 1000;
  Plan plan = make_plan(d, {}, {}, {}, po);
  REQUIRE(plan.actions.back().kind == ActionKind::Batch);
  CHECK(plan.actions.back().chunks == std::vector<int>{0, 1, 2});
  CHECK(plan.actions.back().calls == 2500);
  auto report = run(api, journal, d, po);
  CHECK(report.success());
  REQUIRE(api.batches.size() == 3);
  CHECK(api.batches[0].calls.size() == 1000);
  CHECK(api.batches[2].calls.size() == 500);
  CHECK(journal.chunks["renewals"] == std::map<int, BatchStatus>{{0, BatchStatus::Sent}, {1, BatchStatus::Sent}, {2, BatchStatus::Sent}});
  // the keys are stable per (target, name, chunk) and distinct per chunk
  CHECK(journal.batch_keys.size() == 3);
  CHECK(journal.batch_keys[0] != journal.batch_keys[1]);
}

TEST_CASE("a crash between chunks resumes with the chunks not yet sent") {
  FakeXuna api;
  FakeJournal journal;
  Desired d = campaign(2500);
  journal.chunks["renewals"] = {{0, BatchStatus::Sent}};  // what a killed run left behind
  PlanOptions po;
  po.batch_chunk = 1000;
  auto report = run(api, journal, d, po);
  CHECK(report.success());
  REQUIRE(api.batches.size() == 2);
  CHECK(api.batches[0].calls.front().to_phone_number == "+16661001000");
}

TEST_CASE("an unclear answer marks the chunk unknown, it is resent only with --resubmit") {
  FakeXuna api;
  FakeJournal journal;
  Desired d = campaign(3);
  api.batch_faults = {FakeXuna::Fault::CommitThenDrop};
  auto report = run(api, journal, d);
  CHECK(report.unknown == 1);
  CHECK(journal.chunks["renewals"][0] == BatchStatus::Unknown);
  CHECK(api.batches.size() == 1);

  Plan again = make_plan(d, api.list_numbers().value(), view_of(journal, d));
  CHECK(again.actions.empty());
  REQUIRE(again.warnings.size() == 1);
  CHECK(again.warnings[0].kind == "batch_unknown");
  CHECK(again.warnings[0].message.find("apply --resubmit renewals") != std::string::npos);
  run(api, journal, d);
  CHECK(api.batches.size() == 1);  // not resent automatically

  PlanOptions po;
  po.resubmit = {"renewals"};
  auto resent = run(api, journal, d, po);
  CHECK(resent.success());
  CHECK(api.batches.size() == 2);
  CHECK(journal.chunks["renewals"][0] == BatchStatus::Sent);
}

TEST_CASE("a campaign whose content changed after it was sent is reported, not resent") {
  FakeXuna api;
  FakeJournal journal;
  Desired d = campaign(2);
  run(api, journal, d);
  Desired changed = campaign(3);
  StateView v = view_of(journal, d);  // digests of what was sent
  Plan p = make_plan(changed, api.list_numbers().value(), v);
  CHECK(p.actions.empty());
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].kind == "batch_changed");
}

TEST_CASE("fewer calls initiated than asked is reported") {
  FakeXuna api;
  FakeJournal journal;
  api.batch_shortfall = 1;
  auto report = run(api, journal, campaign(3));
  CHECK(report.success());
  CHECK(report.results.back().note == "only 2 of 3 calls initiated");
}

TEST_CASE("a rejected batch fails, its from number being absent skips it") {
  FakeXuna api;
  FakeJournal journal;
  api.batch_faults = {FakeXuna::Fault::Reject};
  auto report = run(api, journal, campaign(2));
  CHECK(report.failed == 1);
  CHECK(journal.chunks["renewals"][0] == BatchStatus::Failed);

  FakeXuna api2;
  FakeJournal journal2;
  api2.import_faults["+15550000001"] = FakeXuna::Fault::Reject;
  auto skipped = run(api2, journal2, campaign(2));
  CHECK(skipped.skipped == 1);
  CHECK(api2.batches.empty());
}

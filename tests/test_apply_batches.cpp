// Campaigns through plan and apply against the per-recipient ledger: each recipient dialled
// at most once (counted at the fake server), unknown outcomes never resent by themselves.
#include <catch2/catch.hpp>

#include <map>
#include <random>

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

ApplyReport run(FakeXuna& api, FakeJournal& journal, const Desired& d, PlanOptions po = {}) {
  Plan plan = make_plan(d, api.list_numbers().value(), journal.view(), {}, po);
  ApplyOptions o;
  o.target_salt = "http://x\nfp";
  return apply_plan(plan, api, journal, creds(), o);
}

// How often the fake server was asked to dial each number.
std::map<std::string, int> dials(const FakeXuna& api) {
  std::map<std::string, int> out;
  for (const auto& b : api.batches)
    for (const auto& c : b.calls) ++out[c.to_phone_number];
  return out;
}

int most(const std::map<std::string, int>& d) {
  int m = 0;
  for (const auto& [n, k] : d) m = std::max(m, k);
  return m;
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

TEST_CASE("a large campaign goes in requests of --batch-chunk, every recipient recorded sent") {
  FakeXuna api;
  FakeJournal journal;
  Desired d = campaign(2500);
  PlanOptions po;
  po.batch_chunk = 1000;
  Plan plan = make_plan(d, {}, {}, {}, po);
  REQUIRE(plan.actions.back().kind == ActionKind::Batch);
  CHECK(plan.actions.back().requests.size() == 3);
  CHECK(plan.actions.back().calls == 2500);
  auto report = run(api, journal, d, po);
  CHECK(report.success());
  REQUIRE(api.batches.size() == 3);
  CHECK(api.batches[0].calls.size() == 1000);
  CHECK(api.batches[2].calls.size() == 500);
  CHECK(journal.ledger["renewals"].size() == 2500);
  for (const auto& [key, e] : journal.ledger["renewals"]) CHECK(e.status == CallStatus::Sent);
  CHECK(journal.batch_keys.size() == 3);
  CHECK(journal.batch_keys[0] != journal.batch_keys[1]);
}

TEST_CASE("the chunk size changed between runs dials nobody twice, in either direction") {
  FakeXuna api;
  FakeJournal journal;
  Desired d = campaign(10);
  PlanOptions small;
  small.batch_chunk = 3;
  api.batch_faults = {FakeXuna::Fault::None, FakeXuna::Fault::Reject};  // the second refused
  run(api, journal, d, small);
  CHECK(dials(api).size() == 3);
  PlanOptions large;
  large.batch_chunk = 1000;
  CHECK(run(api, journal, d, large).success());
  PlanOptions two;
  two.batch_chunk = 2;
  CHECK(run(api, journal, d, two).success());
  CHECK(dials(api).size() == 10);
  CHECK(most(dials(api)) == 1);
}

TEST_CASE("an unclear answer leaves its recipients unknown, --resubmit sends them with their key") {
  FakeXuna api;
  FakeJournal journal;
  Desired d = campaign(3);
  api.batch_faults = {FakeXuna::Fault::CommitThenDrop};
  auto report = run(api, journal, d);
  CHECK(report.unknown == 1);
  for (const auto& [key, e] : journal.ledger["renewals"]) CHECK(e.status == CallStatus::Unknown);
  CHECK(api.batches.size() == 1);

  Plan again = make_plan(d, api.list_numbers().value(), journal.view());
  CHECK(again.actions.empty());
  REQUIRE(again.warnings.size() == 1);
  CHECK(again.warnings[0].kind == "batch_unknown");
  CHECK(again.warnings[0].message.find("3 recipients") != std::string::npos);
  CHECK(again.warnings[0].message.find("apply --resubmit renewals") != std::string::npos);
  for (PlanOptions chunked : {PlanOptions{}, [] { PlanOptions o; o.batch_chunk = 1; return o; }()})
    run(api, journal, d, chunked);
  CHECK(api.batches.size() == 1);  // not resent automatically, whatever the chunk size

  PlanOptions po;
  po.resubmit = {"renewals"};
  po.batch_chunk = 1;  // the first request is sent again as it was, with its key
  auto resent = run(api, journal, d, po);
  CHECK(resent.success());
  REQUIRE(api.batches.size() == 2);
  CHECK(api.batches[1].calls.size() == 3);
  REQUIRE(journal.batch_keys.size() == 2);
  CHECK(journal.batch_keys[1] == journal.batch_keys[0]);
  for (const auto& [key, e] : journal.ledger["renewals"]) CHECK(e.status == CallStatus::Sent);
}

TEST_CASE("a campaign edited after some were dialled sends the rest with the new content") {
  FakeXuna api;
  FakeJournal journal;
  run(api, journal, campaign(2));
  Desired changed = campaign(3);
  Value agent = Value::object();
  agent.set("first_message", Value::string("Hi again"));
  Value o = Value::object();
  o.set("agent", agent);
  for (auto& c : changed.batches[0].calls) c.override = o;
  Plan p = make_plan(changed, api.list_numbers().value(), journal.view());
  REQUIRE(p.actions.size() == 1);
  CHECK(p.actions[0].calls == 1);
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].kind == "batch_changed");
  CHECK(p.warnings[0].message.find("content changed after 2 were dialled") != std::string::npos);
  run(api, journal, changed);
  CHECK(dials(api).size() == 3);
  CHECK(most(dials(api)) == 1);
  CHECK(*api.batches[1].calls[0].conversation_config_override == o);
}

TEST_CASE("fewer calls initiated than asked is reported, and the recipients stay dialled") {
  FakeXuna api;
  FakeJournal journal;
  api.batch_shortfall = 1;
  auto report = run(api, journal, campaign(3));
  CHECK(report.success());
  CHECK(report.results.back().note.find("only 2 of 3 calls initiated") != std::string::npos);
  run(api, journal, campaign(3));
  CHECK(api.batches.size() == 1);
}

TEST_CASE("a clear refusal is failed and sent again (under a new key), an absent from number skips") {
  FakeXuna api;
  FakeJournal journal;
  api.batch_faults = {FakeXuna::Fault::Reject};
  auto report = run(api, journal, campaign(2));
  CHECK(report.failed == 1);
  for (const auto& [key, e] : journal.ledger["renewals"]) CHECK(e.status == CallStatus::Failed);
  CHECK(run(api, journal, campaign(2)).success());
  REQUIRE(journal.batch_keys.size() == 2);
  CHECK(journal.batch_keys[0] != journal.batch_keys[1]);
  CHECK(dials(api).size() == 2);

  FakeXuna api2;
  FakeJournal journal2;
  api2.import_faults["+15550000001"] = FakeXuna::Fault::Reject;
  auto skipped = run(api2, journal2, campaign(2));
  CHECK(skipped.skipped == 1);
  CHECK(api2.batches.empty());
}

TEST_CASE("the journal refusing a request (a recipient already recorded) sends nothing") {
  FakeXuna api;
  FakeJournal journal;
  Desired d = campaign(2);
  Plan plan = make_plan(d, api.list_numbers().value(), journal.view());
  journal.ledger["renewals"][{d.batches[0].calls[1].to, 1}] = {CallStatus::Sent, "other", "", ""};
  ApplyOptions o;
  auto report = apply_plan(plan, api, journal, creds(), o);
  CHECK_FALSE(report.success());
  CHECK(api.batches.empty());
}

TEST_CASE("each person is dialled at most once under random edits and faults (seeded)") {
  for (unsigned seed : {1u, 7u, 23u, 101u, 2026u}) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    FakeXuna api;
    FakeJournal journal;
    std::vector<std::string> pool;
    for (int i = 0; i < 40; ++i) pool.push_back("+1666" + std::to_string(2000000 + i));
    std::vector<std::string> recipients(pool.begin(), pool.begin() + 12);
    std::string message = "Hi";
    for (int round = 0; round < 25; ++round) {
      switch (pick(5)) {  // an edit
        case 0: recipients.push_back(pool[static_cast<std::size_t>(pick(40))]); break;
        case 1: if (recipients.size() > 1) recipients.erase(recipients.begin() + pick(static_cast<int>(recipients.size()))); break;
        case 2: message = "Hi " + std::to_string(round); break;
        case 3: std::shuffle(recipients.begin(), recipients.end(), rng); break;
        default: break;
      }
      std::sort(recipients.begin(), recipients.end());
      recipients.erase(std::unique(recipients.begin(), recipients.end()), recipients.end());
      Desired d = campaign(0);
      for (const auto& to : recipients) {
        BatchCallTarget t;
        t.to = to;
        Value agent = Value::object();
        agent.set("first_message", Value::string(message));
        Value o = Value::object();
        o.set("agent", agent);
        t.override = o;
        d.batches[0].calls.push_back(t);
      }
      static const FakeXuna::Fault kFaults[] = {FakeXuna::Fault::None, FakeXuna::Fault::Reject,
                                                FakeXuna::Fault::CommitThenDrop,
                                                FakeXuna::Fault::DropBeforeCommit};
      for (int k = 0; k < 4; ++k) api.batch_faults.push_back(kFaults[pick(4)]);
      PlanOptions po;
      po.batch_chunk = 1 + pick(6);
      run(api, journal, d, po);
      api.batch_faults.clear();
      REQUIRE(most(dials(api)) <= 1);
      if (round < 24) continue;
      run(api, journal, d, po);  // a last run without faults: every due recipient is done
      const auto done = dials(api);
      for (const auto& to : recipients) {
        INFO(to);
        const auto e = journal.ledger["renewals"].find({to, 1});
        const bool unknown = e != journal.ledger["renewals"].end() && e->second.status == CallStatus::Unknown;
        CHECK((done.count(to) || unknown));
      }
    }
  }
}

// make_plan's cut-over rules, built inline: waves (--only, --max-imports), routing refused and
// taken over, snapshots kept, renamed and unknown campaigns.
#include <catch2/catch.hpp>

#include "model/digest_of.h"
#include "plan/plan.h"

using namespace xs;

namespace {

const std::string kAgent = "agent_support0000000000000001";
const std::string kOrigin = "https://xuna.example";

DesiredNumber want(const std::string& number, const std::string& label,
                   const std::string& agent = "") {
  DesiredNumber n;
  n.phone_number = number;
  n.label = label;
  n.agent_id = agent;
  n.agent_ref = agent;
  n.twilio_account = "main";
  n.loc = {"mappings/prod.yaml", 7, 5};
  return n;
}

Desired desired_of(std::vector<DesiredNumber> numbers) {
  Desired d;
  d.numbers = std::move(numbers);
  return d;
}

BatchCampaign campaign(const std::string& name, const std::string& from) {
  BatchCampaign b;
  b.name = name;
  b.agent_id = kAgent;
  b.agent_ref = kAgent;
  b.from = from;
  BatchCallTarget t;
  t.to = "+15557770001";
  b.calls.push_back(t);
  return b;
}

TwilioRouting routed(const std::string& url, const std::string& app = "",
                     const std::string& trunk = "") {
  TwilioRouting r;
  r.sid = "PN1";
  r.voice_url = url;
  r.voice_method = "POST";
  r.voice_application_sid = app;
  r.trunk_sid = trunk;
  return r;
}

Ownership owning(const std::vector<std::string>& numbers, const TwilioRouting& r) {
  Ownership o;
  for (const auto& n : numbers) {
    o.owned["main"].insert(n);
    o.routing[n] = r;
  }
  return o;
}

std::vector<std::string> imported(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& a : p.actions)
    if (a.kind == ActionKind::Import) out.push_back(a.phone_number);
  return out;
}

PlanOptions only(std::vector<std::string> patterns) {
  PlanOptions o;
  o.selection.only = std::move(patterns);
  return o;
}

bool has_warning(const Plan& p, const std::string& kind) {
  for (const auto& w : p.warnings)
    if (w.kind == kind) return true;
  return false;
}

const Desired kOffices =
    desired_of({want("+15551230001", "Berlin desk"), want("+15551230002", "Berlin fax"),
                want("+15559990001", "Paris desk", kAgent)});

}  // namespace

TEST_CASE("waves: --only an E.164 number plans that number alone") {
  Plan p = make_plan(kOffices, {}, {}, {}, only({"+15559990001"}));
  CHECK(imported(p) == std::vector<std::string>{"+15559990001"});
  CHECK(p.summary.assigns == 1);
  CHECK(p.summary.unselected == 2);
}

TEST_CASE("waves: --only a glob on the number plans the numbers it matches") {
  Plan p = make_plan(kOffices, {}, {}, {}, only({"+1555123*"}));
  CHECK(imported(p) == std::vector<std::string>{"+15551230001", "+15551230002"});
  CHECK(p.summary.unselected == 1);
  CHECK(p.summary.assigns == 0);
}

TEST_CASE("waves: --only label:GLOB plans by label, several patterns add up") {
  Plan p = make_plan(kOffices, {}, {}, {}, only({"label:* fax", "label:Paris*"}));
  CHECK(imported(p) == std::vector<std::string>{"+15551230002", "+15559990001"});
  CHECK(p.summary.unselected == 1);
  CHECK(valid_selection_pattern("label:Berlin*"));
  CHECK_FALSE(valid_selection_pattern("label:"));
  CHECK_FALSE(valid_selection_pattern("Berlin"));
}

TEST_CASE("a number outside --only is not touched, even when its agent is wrong") {
  LiveList live = {{"pn_p", "+15559990001", "Paris desk", std::nullopt}};
  Plan p = make_plan(kOffices, live, {}, {}, only({"+1555123*"}));
  CHECK(p.summary.assigns == 0);
  for (const auto& a : p.actions) CHECK(a.phone_number != "+15559990001");
}

TEST_CASE("waves: --max-imports imports the first N in mapping order and counts the rest deferred") {
  PlanOptions o;
  o.selection.max_imports = 2;
  Plan p = make_plan(kOffices, {}, {}, {}, o);
  CHECK(imported(p) == std::vector<std::string>{"+15551230001", "+15551230002"});
  CHECK(p.summary.imports == 2);
  CHECK(p.summary.deferred == 1);
  CHECK(p.summary.assigns == 0);  // the deferred number's assign waits with it
  o.selection.max_imports = 0;
  Plan none = make_plan(kOffices, {}, {}, {}, o);
  CHECK_FALSE(none.has_changes());
  CHECK(none.summary.deferred == 3);
}

TEST_CASE("campaigns of an unselected or deferred from number are not planned") {
  Desired d = kOffices;
  d.batches = {campaign("berlin", "+15551230001"), campaign("paris", "+15559990001")};
  Plan p = make_plan(d, {}, {}, {}, only({"+1555123*"}));
  REQUIRE(p.summary.batches == 1);
  CHECK(p.actions.back().batch_name == "berlin");

  PlanOptions o;
  o.selection.max_imports = 1;
  Plan waved = make_plan(d, {}, {}, {}, o);
  CHECK(waved.summary.batches == 1);
  CHECK(waved.actions.back().batch_name == "berlin");
}

TEST_CASE("a number routed through a TwiML app or a SIP trunk is a plan error") {
  Desired d = desired_of(
      {want("+15551230001", "App"), want("+15551230002", "Trunk"), want("+15551230003", "Url")});
  Ownership o = owning({"+15551230003"}, routed("https://ivr.example.com/voice"));
  o.owned["main"].insert({"+15551230001", "+15551230002"});
  o.routing["+15551230001"] = routed("https://ignored.example/", "AP0123");
  o.routing["+15551230002"] = routed("", "", "TK0456");
  PlanOptions opts;
  opts.xuna_origin = kOrigin;
  Plan p = make_plan(d, {}, {}, o, opts);
  CHECK(imported(p) == std::vector<std::string>{"+15551230003"});
  REQUIRE(p.errors.size() == 2);
  CHECK_THAT(p.errors[0].message, Catch::Contains("TwiML app AP0123"));
  CHECK_THAT(p.errors[0].message, Catch::Contains("--allow-routing-takeover"));
  CHECK_THAT(p.errors[0].message, Catch::Contains("mappings/prod.yaml:7:5"));
  CHECK_THAT(p.errors[1].message, Catch::Contains("SIP trunk TK0456"));

  SECTION("--allow-routing-takeover imports them, with their routing") {
    opts.allow_routing_takeover = true;
    Plan taken = make_plan(d, {}, {}, o, opts);
    CHECK(taken.errors.empty());
    CHECK(taken.summary.imports == 3);
    REQUIRE(taken.actions[0].routing_before.has_value());
    CHECK(taken.actions[0].routing_before->voice_application_sid == "AP0123");
    CHECK(taken.actions[0].snapshot);
  }
  SECTION("routing_takeover on one number imports that one") {
    d.numbers[1].routing_takeover = true;
    Plan taken = make_plan(d, {}, {}, o, opts);
    CHECK(imported(taken) == std::vector<std::string>{"+15551230002", "+15551230003"});
    REQUIRE(taken.errors.size() == 1);
    CHECK(taken.errors[0].phone_number == "+15551230001");
  }
}

TEST_CASE("an import is snapshotted, unless an older snapshot exists and calls reach XUNA") {
  Desired d = desired_of({want("+15551230001", "A")});
  PlanOptions opts;
  opts.xuna_origin = kOrigin;
  StateView snapshotted;
  snapshotted.snapshotted = {"+15551230001"};

  Plan fresh =
      make_plan(d, {}, {}, owning({"+15551230001"}, routed("https://ivr.example/v")), opts);
  REQUIRE(fresh.actions.size() == 1);
  CHECK(fresh.actions[0].snapshot);

  // An earlier, unclear import moved the calls already: the snapshot holds what was before.
  Plan kept = make_plan(d, {}, snapshotted,
                        owning({"+15551230001"}, routed(kOrigin + "/twilio/inbound_call")), opts);
  REQUIRE(kept.actions.size() == 1);
  REQUIRE(kept.actions[0].routing_before.has_value());
  CHECK_FALSE(kept.actions[0].snapshot);

  // A snapshot exists but the calls go elsewhere now (someone re-pointed it): snapshot again.
  Plan again = make_plan(d, {}, snapshotted,
                         owning({"+15551230001"}, routed("https://ivr.example/v2")), opts);
  CHECK(again.actions.at(0).snapshot);
}

TEST_CASE("a campaign already sent under another name (chunk records) is held back") {
  Desired d = desired_of({want("+15551230001", "A")});
  d.batches = {campaign("spring-renamed", "+15551230001")};
  LiveList live = {{"pn_1", "+15551230001", "A", std::nullopt}};
  StateView state;
  state.has_history = true;
  BatchRecord sent;
  sent.name = "spring";
  sent.digest = batch_digest(campaign("spring", "+15551230001"));
  REQUIRE(sent.digest == batch_digest(d.batches[0]));  // the name is not part of the content
  sent.status = BatchStatus::Sent;
  sent.chunks[0] = BatchStatus::Sent;
  state.legacy_batches["spring"] = sent;

  Plan p = make_plan(d, live, state);
  CHECK(p.summary.batches == 0);
  CHECK_FALSE(p.has_changes());
  REQUIRE(has_warning(p, "batch_renamed"));
  CHECK_THAT(p.warnings[0].message, Catch::Contains("'spring'"));
  CHECK_THAT(p.warnings[0].message, Catch::Contains("--resubmit spring-renamed"));

  PlanOptions resubmit;
  resubmit.resubmit = {"spring-renamed"};
  CHECK(make_plan(d, live, state, {}, resubmit).summary.batches == 1);

  state.legacy_batches["spring"].chunks[0] = BatchStatus::Failed;  // a failed send dialled nobody
  CHECK(make_plan(d, live, state).summary.batches == 1);
}

TEST_CASE("a campaign whose outcome is unknown is pending, not 'no changes'") {
  Desired d = desired_of({want("+15551230001", "A")});
  d.batches = {campaign("spring", "+15551230001")};
  LiveList live = {{"pn_1", "+15551230001", "A", std::nullopt}};
  StateView state;
  state.has_history = true;
  for (const auto& c : d.batches[0].calls)
    state.campaigns["spring"][{c.to, 1}] = {CallStatus::Unknown, "k", "", batch_digest(d.batches[0])};
  Plan p = make_plan(d, live, state);
  CHECK_FALSE(p.has_changes());
  CHECK(p.summary.unknown_batches == 1);
  CHECK(p.has_pending());
  CHECK(has_warning(p, "batch_unknown"));

  SECTION("and so is one a state with no history records as unknown") {
    Plan guarded = make_plan(d, live, {});
    CHECK(guarded.summary.unknown_batches == 1);
    CHECK(guarded.has_pending());
    REQUIRE(guarded.unrecorded.size() == 1);
    CHECK(guarded.unrecorded[0].name == "spring");
  }
}

TEST_CASE("routing drift says whether the number ever reached XUNA after its import") {
  Desired d = desired_of({want("+12125550101", "Support")});
  LiveList live{{"pn_1", "+12125550101", "Support", std::nullopt}};
  Ownership o;
  o.owned["main"] = {"+12125550101"};
  o.routing["+12125550101"].voice_application_sid = "AP0123";
  PlanOptions options;
  options.xuna_origin = kOrigin;
  StateView view;
  view.snapshotted = {"+12125550101"};
  auto message = [&] {
    Plan p = make_plan(d, live, view, o, options);
    for (const auto& w : p.warnings)
      if (w.kind == "routing_drift") return w.message;
    return std::string();
  };
  CHECK_THAT(message(), Catch::Contains("never did since its import") &&
                            Catch::Contains("'xuna-sync rollback +12125550101'"));
  view.reached_xuna = {"+12125550101"};
  CHECK_THAT(message(), Catch::Contains("no rollback explains it") &&
                            Catch::Contains("rollback --undo +12125550101"));
}

TEST_CASE("waves: --exclude leaves out the numbers it matches, by number or by label") {
  PlanOptions o;
  o.selection.exclude = {"+15551230002"};
  Plan p = make_plan(kOffices, {}, {}, {}, o);
  CHECK(imported(p) == std::vector<std::string>{"+15551230001", "+15559990001"});
  CHECK(p.summary.unselected == 1);

  o.selection.exclude = {"label:Berlin*"};
  p = make_plan(kOffices, {}, {}, {}, o);
  CHECK(imported(p) == std::vector<std::string>{"+15559990001"});
  CHECK(p.summary.unselected == 2);
}

TEST_CASE("waves: --exclude wins over --only, and any exclude pattern is enough") {
  PlanOptions o;
  o.selection.only = {"+1555*"};
  o.selection.exclude = {"+15559990001", "label:* fax"};
  Plan p = make_plan(kOffices, {}, {}, {}, o);
  CHECK(imported(p) == std::vector<std::string>{"+15551230001"});
  CHECK(p.summary.assigns == 0);  // the Paris desk's assign goes with it
  CHECK(p.summary.unselected == 2);
  CHECK_FALSE(o.selection.empty());
}

TEST_CASE("an excluded number is not touched, even when its agent is wrong") {
  LiveList live = {{"pn_p", "+15559990001", "Paris desk", std::nullopt}};
  PlanOptions o;
  o.selection.exclude = {"label:Paris desk"};
  Plan p = make_plan(kOffices, live, {}, {}, o);
  for (const auto& a : p.actions) CHECK(a.phone_number != "+15559990001");
  CHECK(p.summary.unselected == 1);
}

TEST_CASE("a campaign from an excluded number is not sent") {
  Desired d = kOffices;
  d.batches.push_back(campaign("renewals", "+15559990001"));
  LiveList live = {{"pn_p", "+15559990001", "Paris desk", kAgent}};
  PlanOptions o;
  o.selection.exclude = {"+15559990001"};
  Plan p = make_plan(d, live, {}, {}, o);
  for (const auto& a : p.actions) CHECK(a.kind != ActionKind::Batch);
}

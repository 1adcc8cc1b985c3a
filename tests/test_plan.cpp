// make_plan is a pure function: every case is built inline, no server.
#include <catch2/catch.hpp>

#include "plan/plan.h"

using namespace xs;

namespace {

const std::string kSupport = "agent_support0000000000000001";
const std::string kSales = "agent_sales000000000000000002";

DesiredNumber want(const std::string& number, const std::string& label,
                   const std::string& agent = "", const std::string& account = "main") {
  DesiredNumber n;
  n.phone_number = number;
  n.label = label;
  n.agent_id = agent;
  n.agent_ref = agent;
  n.twilio_account = account;
  return n;
}

LiveNumber have(const std::string& id, const std::string& number, const std::string& label,
                std::optional<std::string> agent = std::nullopt) {
  return LiveNumber{id, number, label, std::move(agent)};
}

Desired desired_of(std::vector<DesiredNumber> numbers) {
  Desired d;
  d.numbers = std::move(numbers);
  return d;
}

}  // namespace

TEST_CASE("a missing number is imported, then assigned when it has an agent") {
  Desired d = desired_of({want("+15551234567", "Support", kSupport), want("+15551234568", "Fax")});
  Plan p = make_plan(d, {}, {});
  REQUIRE(p.actions.size() == 3);
  CHECK(p.actions[0].kind == ActionKind::Import);
  CHECK(p.actions[0].phone_number == "+15551234567");
  CHECK(p.actions[0].label == "Support");
  CHECK(p.actions[0].twilio_account == "main");
  CHECK(p.actions[1].kind == ActionKind::Import);
  CHECK(p.actions[1].phone_number == "+15551234568");
  CHECK(p.actions[2].kind == ActionKind::Assign);
  CHECK(p.actions[2].phone_number == "+15551234567");
  CHECK(p.actions[2].agent_id == kSupport);
  CHECK(p.actions[2].phone_number_id.empty());  // the import provides it
  CHECK_FALSE(p.actions[2].before.has_value());
  CHECK(p.summary.imports == 2);
  CHECK(p.summary.assigns == 1);
  CHECK(p.summary.unchanged == 0);
  CHECK(p.has_changes());
}

TEST_CASE("a live number with another agent, or none, is reassigned with its before value") {
  Desired d = desired_of({want("+15551234567", "Support", kSupport),
                          want("+15551234568", "Sales", kSales)});
  LiveList live = {have("pn_1", "+15551234567", "Support", kSales),
                   have("pn_2", "+15551234568", "Sales")};
  Plan p = make_plan(d, live, {});
  REQUIRE(p.actions.size() == 2);
  CHECK(p.actions[0].kind == ActionKind::Assign);
  CHECK(p.actions[0].phone_number_id == "pn_1");
  CHECK(p.actions[0].before == std::optional<std::string>(kSales));
  CHECK(p.actions[0].agent_id == kSupport);
  CHECK(p.actions[1].phone_number_id == "pn_2");
  CHECK_FALSE(p.actions[1].before.has_value());
  CHECK(p.summary.assigns == 2);
  CHECK(p.summary.imports == 0);
}

TEST_CASE("a number in sync needs nothing") {
  Desired d = desired_of({want("+15551234567", "Support", kSupport), want("+15551234568", "Fax")});
  LiveList live = {have("pn_1", "+15551234567", "Support", kSupport),
                   have("pn_2", "+15551234568", "Fax")};
  Plan p = make_plan(d, live, {});
  CHECK(p.actions.empty());
  CHECK(p.warnings.empty());
  CHECK_FALSE(p.has_changes());
  CHECK(p.summary.unchanged == 2);
}

TEST_CASE("label drift is a warning, not an action") {
  Desired d = desired_of({want("+15550001111", "New name", kSupport)});
  LiveList live = {have("pn_1", "+15550001111", "Old name", kSupport)};
  Plan p = make_plan(d, live, {});
  CHECK(p.actions.empty());
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].kind == "label_drift");
  CHECK(p.warnings[0].phone_number == "+15550001111");
  CHECK(p.warnings[0].message ==
        "live \"Old name\", mapping \"New name\" (labels can't be changed through the API)");
  CHECK(p.summary.unchanged == 1);
}

TEST_CASE("a mapped number with no agent whose live number has one is a warning") {
  Desired d = desired_of({want("+15551234568", "Fax")});
  LiveList live = {have("pn_2", "+15551234568", "Fax", kSales)};
  Plan p = make_plan(d, live, {});
  CHECK(p.actions.empty());
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].kind == "no_unassign");
  CHECK(p.warnings[0].message ==
        "live agent " + kSales + ", mapping has none (the API can't unassign; left alone)");
}

TEST_CASE("live numbers outside the mapping are unmanaged, once managed ones are orphaned") {
  Desired d = desired_of({want("+15551234567", "Support", kSupport)});
  LiveList live = {have("pn_1", "+15551234567", "Support", kSupport),
                   have("pn_9", "+15559990000", "Someone else's"),
                   have("pn_8", "+15559990001", "Dropped from the mapping", kSales)};
  StateView state;
  state.managed_numbers = {"+15559990001"};
  Plan p = make_plan(d, live, state);
  CHECK(p.actions.empty());
  CHECK(p.summary.unmanaged == 2);
  CHECK(p.summary.orphaned == 1);
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].kind == "orphaned");
  CHECK(p.warnings[0].phone_number == "+15559990001");
}

TEST_CASE("a number the Twilio account does not own is an error, not an action") {
  Desired d = desired_of({want("+15551234567", "Support", kSupport),
                          want("+15551234599", "Not ours", kSupport),
                          want("+15551234600", "Other account", "", "second")});
  Ownership own;
  own.owned["main"] = {"+15551234567"};
  own.failed["second"] = "Twilio account 'second': 401 Authenticate";
  Plan p = make_plan(d, {}, {}, own);
  REQUIRE(p.actions.size() == 2);
  CHECK(p.actions[0].phone_number == "+15551234567");
  CHECK(p.actions[1].phone_number == "+15551234567");
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].phone_number == "+15551234599");
  CHECK(p.errors[0].message ==
        "Twilio account 'main' does not own +15551234599; it will not be imported");
  CHECK(p.errors[1].phone_number == "+15551234600");
  CHECK(p.errors[1].message == "Twilio account 'second': 401 Authenticate");
}

TEST_CASE("actions come imports first, then assigns, each sorted by number") {
  Desired d = desired_of({want("+15550000003", "C", kSupport), want("+15550000001", "A", kSupport),
                          want("+15550000002", "B", kSales)});
  LiveList live = {have("pn_2", "+15550000002", "B")};
  Plan p = make_plan(d, live, {});
  std::vector<std::string> order;
  for (const auto& a : p.actions) order.push_back(std::string(to_string(a.kind)) + " " + a.phone_number);
  CHECK(order == std::vector<std::string>{"import +15550000001", "import +15550000003",
                                          "assign +15550000001", "assign +15550000002",
                                          "assign +15550000003"});
}

TEST_CASE("a number listed twice by the API is planned once, with a warning") {
  Desired d = desired_of({want("+15551234567", "Support", kSupport)});
  LiveList live = {have("pn_1", "+15551234567", "Support", kSupport),
                   have("pn_1b", "+15551234567", "Support")};
  Plan p = make_plan(d, live, {});
  CHECK(p.actions.empty());
  CHECK(p.summary.unmanaged == 0);
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].kind == "duplicate_live");
}

TEST_CASE("planning 10,000 numbers in sync is linear") {
  Desired d;
  LiveList live;
  for (int i = 0; i < 10000; ++i) {
    std::string number = "+1555" + std::to_string(1000000 + i);
    d.numbers.push_back(want(number, "L" + std::to_string(i), kSupport));
    live.push_back(have("pn_" + std::to_string(i), number, "L" + std::to_string(i), kSupport));
  }
  Plan p = make_plan(d, live, {});
  CHECK(p.actions.empty());
  CHECK(p.summary.unchanged == 10000);
}

#include "plan/guards.h"

TEST_CASE("a plan with more actions than --max-changes is refused") {
  Desired d = desired_of({want("+15550000001", "A", kSupport), want("+15550000002", "B")});
  Plan p = make_plan(d, {}, {});
  GuardOptions g;
  g.max_changes = 3;
  CHECK_FALSE(check_guards(p, {}, g).has_value());
  g.max_changes = 2;
  auto why = check_guards(p, {}, g);
  REQUIRE(why.has_value());
  CHECK(*why == "the plan has 3 actions, more than --max-changes 2; review it, then raise "
                "--max-changes if it is what you want");
}

TEST_CASE("the reassignment guard trips above 30% of assigned numbers, from 10 assigned") {
  auto scenario = [](int total, int moved) {
    Desired d;
    LiveList live;
    for (int i = 0; i < total; ++i) {
      std::string number = "+1555000" + std::to_string(1000 + i);
      d.numbers.push_back(want(number, "L", i < moved ? kSales : kSupport));
      live.push_back(have("pn_" + std::to_string(i), number, "L", kSupport));
    }
    return std::make_pair(make_plan(d, live, {}), live);
  };
  GuardOptions g;
  auto [p3, l3] = scenario(10, 3);
  CHECK_FALSE(check_guards(p3, l3, g).has_value());  // 30% is allowed
  auto [p4, l4] = scenario(10, 4);
  auto why = check_guards(p4, l4, g);
  REQUIRE(why.has_value());
  CHECK(why->find("moves 4 of the 10 numbers that have an agent") != std::string::npos);
  g.force = true;
  CHECK_FALSE(check_guards(p4, l4, g).has_value());
  g.force = false;
  g.max_reassign_percent = 50;
  CHECK_FALSE(check_guards(p4, l4, g).has_value());
  auto [p9, l9] = scenario(9, 9);  // fewer than 10 assigned: not checked
  CHECK_FALSE(check_guards(p9, l9, GuardOptions{}).has_value());
}

TEST_CASE("importing_accounts names the accounts of the imports make_plan plans before Twilio's word") {
  // gather asks Twilio about these accounts without planning twice (issue 23): they must be
  // exactly those of make_plan's imports without ownership, whatever the selection.
  Desired d = desired_of({want("+15550000001", "A", kSupport, "main"),
                          want("+15550000002", "B", "", "sub"),
                          want("+15550000003", "C", "", "keyed"),
                          want("+15550000004", "D", "", "other"),
                          want("+15550000005", "E", "", "listed")});
  TwilioAccount keyed;
  keyed.name = "keyed";
  keyed.api_key_sid = "SK0123456789abcdef0123456789abcdef";
  d.twilio_accounts["keyed"] = keyed;
  const LiveList live{have("pn_5", "+15550000005", "E")};
  auto of_plan = [&](const Selection& s) {
    PlanOptions o;
    o.selection = s;
    std::set<std::string> accounts;
    for (const auto& a : make_plan(d, live, {}, {}, o).actions)
      if (a.kind == ActionKind::Import) accounts.insert(a.twilio_account);
    return accounts;
  };
  std::vector<Selection> selections(5);
  selections[1].only = {"+1555000000[12]"};
  selections[2].exclude = {"label:A"};
  selections[3].max_imports = 2;
  selections[4].max_imports = 0;
  for (const Selection& s : selections) {
    CHECK(importing_accounts(d, live, s) == of_plan(s));
  }
  CHECK(importing_accounts(d, live, {}) == std::set<std::string>{"main", "sub", "other"});
}

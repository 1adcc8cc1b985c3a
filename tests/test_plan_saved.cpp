// Saved plans apply exactly their actions, and only while what they expected still holds.
#include <catch2/catch.hpp>

#include "plan/saved.h"

using namespace xs;

namespace {

Action assign(const std::string& number, std::optional<std::string> before, const std::string& agent) {
  Action a;
  a.kind = ActionKind::Assign;
  a.phone_number = number;
  a.before = std::move(before);
  a.agent_id = agent;
  return a;
}

Action import(const std::string& number) {
  Action a;
  a.kind = ActionKind::Import;
  a.phone_number = number;
  return a;
}

}  // namespace

TEST_CASE("a saved plan whose expectations hold applies exactly its actions") {
  Plan saved, fresh;
  saved.actions = {import("+15550000001"), assign("+15550000002", "agent_a", "agent_b")};
  fresh.actions = saved.actions;
  fresh.actions[1].phone_number_id = "pn_2";
  fresh.actions.push_back(assign("+15550000003", std::nullopt, "agent_b"));  // new drift
  auto check = check_saved_plan(saved, fresh);
  CHECK(check.moved.empty());
  REQUIRE(check.to_apply.actions.size() == 2);
  CHECK(check.to_apply.actions[1].phone_number_id == "pn_2");
  CHECK(check.to_apply.summary.imports == 1);
  CHECK(check.to_apply.summary.assigns == 1);
}

TEST_CASE("a saved plan is stale when a before value moved or an action is no longer needed") {
  Plan saved, fresh;
  saved.actions = {import("+15550000001"), assign("+15550000002", "agent_a", "agent_b")};
  fresh.actions = {assign("+15550000002", "agent_c", "agent_b")};
  auto check = check_saved_plan(saved, fresh);
  REQUIRE(check.moved.size() == 2);
  CHECK(check.moved[0] == "import +15550000001: no longer needed (XUNA or the state changed)");
  CHECK(check.moved[1] == "assign +15550000002: the plan expected agent_a, XUNA now has agent_c");
}

TEST_CASE("a saved import the fresh plan refuses is stale with the refusal as the reason") {
  Plan saved, fresh;
  saved.actions = {import("+15550000001")};
  fresh.errors = {{"+15550000001", "calls now go to TwiML app AP1: not imported"}};
  auto check = check_saved_plan(saved, fresh);
  REQUIRE(check.moved.size() == 1);
  CHECK(check.moved[0] == "import +15550000001: calls now go to TwiML app AP1: not imported");
}

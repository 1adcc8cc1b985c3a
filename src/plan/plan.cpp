#include "plan/plan.h"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "model/digest_of.h"
#include "plan/campaigns.h"

namespace xs {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// The reason a number cannot be imported per the Twilio check, or empty when it can.
std::string ownership_problem(const Ownership& ownership, const DesiredNumber& n) {
  auto failed = ownership.failed.find(n.twilio_account);
  if (failed != ownership.failed.end()) return failed->second;
  auto owned = ownership.owned.find(n.twilio_account);
  if (owned != ownership.owned.end() && !owned->second.count(n.phone_number))
    return "Twilio account '" + n.twilio_account + "' does not own " + n.phone_number +
           "; it will not be imported";
  return {};
}

// Why importing would not move the number's calls to XUNA, or empty: Twilio ignores the voice
// URL XUNA sets while an application or a trunk routes the number.
std::string takeover_problem(const TwilioRouting& r, const DesiredNumber& n,
                             const PlanOptions& options) {
  if ((r.trunk_sid.empty() && r.voice_application_sid.empty()) || n.routing_takeover ||
      options.allow_routing_takeover)
    return {};
  return "calls now go to " + describe_routing(r) + ", which Twilio obeys before the webhook " +
         "XUNA would set: not imported (--allow-routing-takeover, or routing_takeover: true " +
         "on the number at " + n.loc.str() + ", imports it anyway)";
}

}  // namespace

std::string key_cannot_import(const Desired& desired, const std::string& account) {
  auto it = desired.twilio_accounts.find(account);
  if (it == desired.twilio_accounts.end() || it->second.api_key_sid.empty()) return {};
  return "Twilio account '" + account + "' signs in with API key " + it->second.api_key_sid +
         "; XUNA imports take the account's auth token, not a key secret (" + it->second.loc.str() +
         ": drop api_key_sid and point auth_token_env at the auth token to import)";
}

bool valid_selection_pattern(const std::string& pattern) {
  if (pattern.rfind("label:", 0) == 0) return pattern.size() > 6;
  return pattern.size() > 1 && pattern[0] == '+' &&
         pattern.find_first_not_of("+0123456789*?[]-!") == std::string::npos;
}

bool selected_by(const std::string& pattern, const DesiredNumber& number) {
  if (pattern.rfind("label:", 0) == 0)
    return fnmatch(pattern.c_str() + 6, number.label.c_str(), 0) == 0;
  return fnmatch(pattern.c_str(), number.phone_number.c_str(), 0) == 0;
}

bool selects(const Selection& selection, const DesiredNumber& number) {
  auto matches = [&](const std::string& p) { return selected_by(p, number); };
  if (!selection.only.empty() &&
      std::none_of(selection.only.begin(), selection.only.end(), matches))
    return false;
  return std::none_of(selection.exclude.begin(), selection.exclude.end(), matches);
}

std::set<std::string> importing_accounts(const Desired& desired, const LiveList& live,
                                         const Selection& selection) {
  std::unordered_set<std::string> listed;
  listed.reserve(live.size());
  for (const LiveNumber& n : live) listed.insert(n.phone_number);
  std::set<std::string> out;
  int importing = 0;
  for (const DesiredNumber& want : desired.numbers) {
    if (!selects(selection, want) || listed.count(want.phone_number) ||
        !key_cannot_import(desired, want.twilio_account).empty())
      continue;
    if (selection.max_imports && importing >= *selection.max_imports) break;
    ++importing;
    out.insert(want.twilio_account);
  }
  return out;
}

Plan make_plan(const Desired& desired, const LiveList& live, const StateView& state,
               const Ownership& ownership, const PlanOptions& options) {
  Plan plan;
  std::unordered_map<std::string, const LiveNumber*> by_number;
  by_number.reserve(live.size());
  for (const LiveNumber& n : live) {
    if (!by_number.emplace(n.phone_number, &n).second) {
      plan.warnings.push_back({"duplicate_live", n.phone_number,
                               "listed twice by the API (ids " +
                                   by_number[n.phone_number]->phone_number_id + " and " +
                                   n.phone_number_id + "); the first is used"});
    }
  }

  std::vector<Action> imports, assigns;  // an Action is large: room made once, moved in
  imports.reserve(desired.numbers.size());
  assigns.reserve(desired.numbers.size());
  std::set<std::string> mapped, untouched;  // untouched: outside --only, or deferred
  const Selection& selection = options.selection;
  int importing = 0;
  std::vector<const DesiredNumber*> live_selected;  // in XUNA and selected: probation fallbacks
  for (const DesiredNumber& want : desired.numbers) {
    mapped.insert(want.phone_number);
    auto it = by_number.find(want.phone_number);
    if (!selects(selection, want)) {
      ++plan.summary.unselected;
      untouched.insert(want.phone_number);
      continue;
    }
    if (it == by_number.end()) {
      std::string problem = key_cannot_import(desired, want.twilio_account);
      if (problem.empty()) problem = ownership_problem(ownership, want);
      auto routing = ownership.routing.find(want.phone_number);
      if (problem.empty() && routing != ownership.routing.end())
        problem = takeover_problem(routing->second, want, options);
      if (!problem.empty()) {
        plan.errors.push_back({want.phone_number, problem});
        continue;
      }
      if (selection.max_imports && importing >= *selection.max_imports) {
        ++plan.summary.deferred;
        untouched.insert(want.phone_number);
        continue;
      }
      ++importing;
      Action imp;
      imp.kind = ActionKind::Import;
      imp.phone_number = want.phone_number;
      imp.label = want.label;
      imp.cutover = want.cutover;
      imp.twilio_account = want.twilio_account;
      if (routing != ownership.routing.end()) {
        imp.routing_before = routing->second;
        // A snapshot already taken is kept when calls now reach XUNA (an earlier, unclear
        // import already moved them): it holds what was there before.
        imp.snapshot = !(state.snapshotted.count(want.phone_number) &&
                         routes_to(routing->second, options.xuna_origin));
      }
      imports.push_back(std::move(imp));
      if (!want.agent_id.empty()) {
        Action as;
        as.kind = ActionKind::Assign;
        as.phone_number = want.phone_number;
        as.agent_id = want.agent_id;
        as.agent_ref = want.agent_ref;
        assigns.push_back(std::move(as));
      }
      continue;
    }
    const LiveNumber& have = *it->second;
    live_selected.push_back(&want);
    bool changed = false;
    if (!want.agent_id.empty() && have.agent_id != want.agent_id) {
      Action as;
      as.kind = ActionKind::Assign;
      as.phone_number = want.phone_number;
      as.phone_number_id = have.phone_number_id;
      as.agent_id = want.agent_id;
      as.agent_ref = want.agent_ref;
      as.before = have.agent_id;
      assigns.push_back(std::move(as));
      changed = true;
    }
    if (want.agent_id.empty() && have.agent_id) {
      plan.warnings.push_back({"no_unassign", want.phone_number,
                               "live agent " + *have.agent_id +
                                   ", mapping has none (the API can't unassign; left alone)"});
    }
    auto routing = ownership.routing.find(want.phone_number);
    if (state.rolled_back.count(want.phone_number)) {
      plan.warnings.push_back(
          {"rolled_back", want.phone_number,
           "rolled back: Twilio sends its calls to " +
               (routing != ownership.routing.end() ? describe_routing(routing->second)
                                                   : std::string("its snapshot's routing")) +
               ", not XUNA ('xuna-sync rollback --undo " + want.phone_number +
               "' points it back)"});
    } else if (state.snapshotted.count(want.phone_number) && routing != ownership.routing.end() &&
               !options.xuna_origin.empty() && !routes_to(routing->second, options.xuna_origin)) {
      const std::string now = "Twilio sends its calls to " + describe_routing(routing->second) + ", not XUNA";
      plan.warnings.push_back(
          {"routing_drift", want.phone_number,
           state.reached_xuna.count(want.phone_number)
               ? now + ", and no rollback explains it (edited in the Twilio console?); "
                       "'xuna-sync rollback --undo " + want.phone_number + "' points it back"
               : now + ", and never did since its import (the check after it failed): "
                       "clear what routes it there in Twilio, or 'xuna-sync rollback " +
                       want.phone_number + "' restores its snapshot"});
    }
    if (have.label != want.label) {
      plan.warnings.push_back({"label_drift", want.phone_number,
                               "live " + quoted(have.label) + ", mapping " + quoted(want.label) +
                                   " (labels can't be changed through the API)"});
    }
    if (!changed) ++plan.summary.unchanged;
  }

  for (const LiveNumber& n : live) {
    if (mapped.count(n.phone_number) || by_number[n.phone_number] != &n) continue;
    ++plan.summary.unmanaged;
    if (state.managed_numbers.count(n.phone_number)) {
      ++plan.summary.orphaned;
      plan.warnings.push_back({"orphaned", n.phone_number,
                               "once managed by xuna-sync, no longer in the mapping (left alone)"});
    }
  }

  plan.summary.imports = static_cast<int>(imports.size());
  plan.summary.assigns = static_cast<int>(assigns.size());
  // Imports, then assigns, each by number. An Action is large (~700 bytes): the sort moves
  // indexes, and each action is moved once, into room made for all of them and the campaigns
  // (moving them through sorts and a second vector was most of a plan's time, issue 23).
  plan.actions.reserve(imports.size() + assigns.size() + desired.batches.size());
  for (std::vector<Action>* part : {&imports, &assigns}) {
    std::vector<std::size_t> order(part->size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [part](std::size_t a, std::size_t b) {
      return (*part)[a].phone_number < (*part)[b].phone_number;
    });
    for (std::size_t i : order) plan.actions.push_back(std::move((*part)[i]));
  }
  plan::plan_campaigns(desired, by_number, untouched, state, options, plan);
  plan_probation(live_selected, state, options, plan);
  std::stable_sort(plan.warnings.begin(), plan.warnings.end(),
                   [](const Warning& a, const Warning& b) { return a.phone_number < b.phone_number; });
  return plan;
}

}  // namespace xs

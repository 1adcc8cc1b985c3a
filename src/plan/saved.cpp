#include "plan/saved.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace xs {
namespace {

using Key = std::tuple<ActionKind, std::string>;

Key key_of(const Action& a) {
  return {a.kind, a.kind == ActionKind::Batch ? a.batch_name : a.phone_number};
}

std::string name_of(const Action& a) {
  return std::string(to_string(a.kind)) + " " +
         (a.kind == ActionKind::Batch ? a.batch_name : a.phone_number);
}

std::string q(const std::string& s) { return "\"" + s + "\""; }

// What differs between a saved action and the fresh one for the same key, or empty.
std::string difference(const Action& s, const Action& f) {
  switch (s.kind) {
    case ActionKind::Assign:
      if (f.before != s.before)
        return "the plan expected " + s.before.value_or("(none)") + ", XUNA now has " +
               f.before.value_or("(none)");
      if (f.agent_id != s.agent_id)
        return "the plan file says agent " + s.agent_id + ", the mapping says " + f.agent_id;
      return {};
    case ActionKind::Import:
      if (f.label != s.label) return "the plan file says label " + q(s.label) + ", the mapping says " + q(f.label);
      if (f.twilio_account != s.twilio_account)
        return "the plan file says Twilio account " + q(s.twilio_account) + ", the mapping says " +
               q(f.twilio_account);
      return {};
    case ActionKind::Batch:
      if (f.calls != s.calls)
        return std::to_string(f.calls) + " calls left to send, the plan had " + std::to_string(s.calls);
      if (f.agent_id != s.agent_id)
        return "the plan file says agent " + s.agent_id + ", the mapping says " + f.agent_id;
      return {};
    case ActionKind::Rollback:
    case ActionKind::Undo:
    case ActionKind::Fallback: return {};
  }
  return {};
}

}  // namespace

SavedPlanCheck check_saved_plan(const Plan& saved, const Plan& fresh) {
  SavedPlanCheck out;
  std::map<Key, const Action*> now;
  for (const auto& a : fresh.actions) now.emplace(key_of(a), &a);
  for (const auto& s : saved.actions) {
    auto it = now.find(key_of(s));
    if (it == now.end()) {
      // An import the fresh plan refuses says why (e.g. a routing takeover not allowed now).
      auto refused =
          std::find_if(fresh.errors.begin(), fresh.errors.end(), [&](const PlanError& e) {
            return s.kind == ActionKind::Import && e.phone_number == s.phone_number;
          });
      out.moved.push_back(name_of(s) + ": " +
                          (refused != fresh.errors.end()
                               ? refused->message
                               : std::string("no longer needed (XUNA or the state changed)")));
      continue;
    }
    const Action& f = *it->second;
    if (std::string diff = difference(s, f); !diff.empty()) {
      out.moved.push_back(name_of(s) + ": " + diff);
      continue;
    }
    out.to_apply.actions.push_back(f);
  }
  for (const auto& a : out.to_apply.actions) {
    switch (a.kind) {
      case ActionKind::Import: ++out.to_apply.summary.imports; break;
      case ActionKind::Assign: ++out.to_apply.summary.assigns; break;
      case ActionKind::Batch: ++out.to_apply.summary.batches; break;
      case ActionKind::Rollback:
      case ActionKind::Undo:
      case ActionKind::Fallback: break;
    }
  }
  return out;
}

std::string check_saved(const std::string& path, const PlanHeader& saved_header,
                        const Plan& saved, const PlanHeader& fresh_header, const Plan& fresh,
                        Plan& to_apply) {
  if (saved_header.api_url != fresh_header.api_url ||
      saved_header.key_fingerprint != fresh_header.key_fingerprint)
    return "plan file " + path + " was made for another target (" + saved_header.api_url +
           "); nothing was done";
  if (saved_header.mapping_digest != fresh_header.mapping_digest)
    return "the mapping changed since " + path + " was made; run plan again; nothing was done";
  std::set<Key> seen;
  for (const auto& a : saved.actions)
    if (!seen.insert(key_of(a)).second)
      return "plan file " + path + " lists " + name_of(a) +
             " more than once (edited by hand?); nothing was done";
  SavedPlanCheck check = check_saved_plan(saved, fresh);
  if (!check.moved.empty()) {
    std::string why = "plan file " + path + " is stale, nothing was done; what moved:";
    for (const auto& m : check.moved) why += (&m == &check.moved.front() ? " " : "; ") + m;
    return why;
  }
  to_apply = std::move(check.to_apply);
  return {};
}

}  // namespace xs

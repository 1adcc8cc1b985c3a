#include "plan/saved.h"

#include <map>
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

}  // namespace

SavedPlanCheck check_saved_plan(const Plan& saved, const Plan& fresh) {
  SavedPlanCheck out;
  std::map<Key, const Action*> now;
  for (const auto& a : fresh.actions) now.emplace(key_of(a), &a);
  for (const auto& s : saved.actions) {
    auto it = now.find(key_of(s));
    if (it == now.end()) {
      out.moved.push_back(name_of(s) + ": no longer needed (XUNA or the state changed)");
      continue;
    }
    const Action& f = *it->second;
    if (s.kind == ActionKind::Assign && (f.before != s.before || f.agent_id != s.agent_id)) {
      out.moved.push_back(name_of(s) + ": the plan expected " + s.before.value_or("(none)") +
                          ", XUNA now has " + f.before.value_or("(none)"));
      continue;
    }
    if (s.kind == ActionKind::Batch && f.calls != s.calls) {
      out.moved.push_back(name_of(s) + ": " + std::to_string(f.calls) + " calls left to send, the plan had " +
                          std::to_string(s.calls));
      continue;
    }
    out.to_apply.actions.push_back(f);
  }
  for (const auto& a : out.to_apply.actions) {
    switch (a.kind) {
      case ActionKind::Import: ++out.to_apply.summary.imports; break;
      case ActionKind::Assign: ++out.to_apply.summary.assigns; break;
      case ActionKind::Batch: ++out.to_apply.summary.batches; break;
    }
  }
  return out;
}

}  // namespace xs

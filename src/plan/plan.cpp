#include "plan/plan.h"

#include <algorithm>
#include <unordered_map>

#include "model/digest_of.h"

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

std::string chunk_list(const std::vector<int>& chunks) {
  std::string s;
  for (int c : chunks) s += (s.empty() ? "" : ", ") + std::to_string(c + 1);
  return s;
}

// A campaign is sent at most once: chunks recorded as sent are done, chunks whose outcome is
// unknown wait for --resubmit, and a campaign whose content changed after sending is reported.
void plan_batches(const Desired& desired, const std::unordered_map<std::string, const LiveNumber*>& live,
                  const StateView& state, const PlanOptions& options, Plan& plan) {
  const int size = std::max(1, options.batch_chunk);
  for (const BatchCampaign& b : desired.batches) {
    const std::string digest = batch_digest(b);
    const int total = static_cast<int>((b.calls.size() + size - 1) / size);
    auto rec = state.batches.find(b.name);
    const bool resubmit = options.resubmit.count(b.name) > 0;
    std::vector<int> send, unknown;
    bool any_sent = false;
    for (int k = 0; k < total; ++k) {
      std::string status;
      if (rec != state.batches.end()) {
        auto c = rec->second.chunks.find(k);
        if (c != rec->second.chunks.end()) status = c->second;
      }
      if (status == "sent") {
        any_sent = true;
      } else if ((status == "unknown" || status == "pending") && !resubmit) {
        unknown.push_back(k);
      } else {
        send.push_back(k);
      }
    }
    if (rec != state.batches.end() && rec->second.digest != digest && (any_sent || !unknown.empty())) {
      plan.warnings.push_back({"batch_changed", b.name,
                               "content changed since it was sent; it is not sent again "
                               "(give the new campaign a new name)"});
      continue;
    }
    if (!unknown.empty()) {
      plan.warnings.push_back(
          {"batch_unknown", b.name,
           "outcome unknown for chunk " + chunk_list(unknown) + " of " + std::to_string(total) +
               " (no clear answer when it was sent); not resent automatically: "
               "'xuna-sync apply --resubmit " + b.name + "' sends it again"});
    }
    if (send.empty()) continue;
    Action a;
    a.kind = ActionKind::Batch;
    a.batch_name = b.name;
    a.phone_number = b.from;
    auto from = live.find(b.from);
    if (from != live.end()) a.phone_number_id = from->second->phone_number_id;
    a.agent_id = b.agent_id;
    a.agent_ref = b.agent_ref;
    a.chunks = send;
    a.chunk_size = size;
    a.digest = digest;
    for (int k : send)
      a.calls += static_cast<int>(std::min<std::size_t>(b.calls.size(), (k + 1) * static_cast<std::size_t>(size)) - k * static_cast<std::size_t>(size));
    a.campaign = std::make_shared<const BatchCampaign>(b);
    plan.actions.push_back(std::move(a));
    ++plan.summary.batches;
  }
}

}  // namespace

const char* to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::Import: return "import";
    case ActionKind::Assign: return "assign";
    case ActionKind::Batch: return "batch";
  }
  return "?";
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

  std::vector<Action> imports, assigns;
  std::set<std::string> mapped;
  for (const DesiredNumber& want : desired.numbers) {
    mapped.insert(want.phone_number);
    auto it = by_number.find(want.phone_number);
    if (it == by_number.end()) {
      if (std::string problem = ownership_problem(ownership, want); !problem.empty()) {
        plan.errors.push_back({want.phone_number, problem});
        continue;
      }
      Action imp;
      imp.kind = ActionKind::Import;
      imp.phone_number = want.phone_number;
      imp.label = want.label;
      imp.twilio_account = want.twilio_account;
      imports.push_back(imp);
      if (!want.agent_id.empty()) {
        Action as;
        as.kind = ActionKind::Assign;
        as.phone_number = want.phone_number;
        as.agent_id = want.agent_id;
        as.agent_ref = want.agent_ref;
        assigns.push_back(as);
      }
      continue;
    }
    const LiveNumber& have = *it->second;
    bool changed = false;
    if (!want.agent_id.empty() && have.agent_id != want.agent_id) {
      Action as;
      as.kind = ActionKind::Assign;
      as.phone_number = want.phone_number;
      as.phone_number_id = have.phone_number_id;
      as.agent_id = want.agent_id;
      as.agent_ref = want.agent_ref;
      as.before = have.agent_id;
      assigns.push_back(as);
      changed = true;
    }
    if (want.agent_id.empty() && have.agent_id) {
      plan.warnings.push_back({"no_unassign", want.phone_number,
                               "live agent " + *have.agent_id +
                                   ", mapping has none (the API can't unassign; left alone)"});
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

  auto by_phone = [](const Action& a, const Action& b) { return a.phone_number < b.phone_number; };
  std::sort(imports.begin(), imports.end(), by_phone);
  std::sort(assigns.begin(), assigns.end(), by_phone);
  plan.summary.imports = static_cast<int>(imports.size());
  plan.summary.assigns = static_cast<int>(assigns.size());
  plan.actions = std::move(imports);
  plan.actions.insert(plan.actions.end(), assigns.begin(), assigns.end());
  plan_batches(desired, by_number, state, options, plan);
  std::stable_sort(plan.warnings.begin(), plan.warnings.end(),
                   [](const Warning& a, const Warning& b) { return a.phone_number < b.phone_number; });
  return plan;
}

}  // namespace xs

#include "plan/plan.h"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "model/digest_of.h"
#include "plan/windows.h"

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

// One request's worth of a campaign's calls: recipients of one time zone, in mapping order.
// Numbered across the zones in the order of their names, so a campaign without per-recipient
// zones keeps the numbering states recorded before zones existed.
struct Chunk {
  int number = 0;
  std::string zone;
  std::vector<std::size_t> calls;  // indexes into the campaign's calls
};

std::vector<Chunk> chunks_of(const BatchCampaign& b, int size) {
  std::vector<Chunk> out;
  for (const auto& [zone, calls] : plan::calls_by_timezone(b)) {
    for (std::size_t begin = 0; begin < calls.size(); begin += static_cast<std::size_t>(size)) {
      Chunk c;
      c.number = static_cast<int>(out.size());
      c.zone = zone;
      const std::size_t end = std::min(calls.size(), begin + static_cast<std::size_t>(size));
      c.calls.assign(calls.begin() + static_cast<std::ptrdiff_t>(begin),
                     calls.begin() + static_cast<std::ptrdiff_t>(end));
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::string chunk_list(const std::vector<int>& chunks) {
  std::string s;
  for (int c : chunks) s += (s.empty() ? "" : ", ") + std::to_string(c + 1);
  return s;
}

// A campaign is sent at most once: chunks recorded as sent are done, chunks whose outcome is
// unknown wait for --resubmit, and a campaign whose content changed after sending is reported.
void plan_batches(const Desired& desired, const std::unordered_map<std::string, const LiveNumber*>& live,
                  const std::set<std::string>& untouched, const StateView& state,
                  const PlanOptions& options, Plan& plan) {
  const int size = std::max(1, options.batch_chunk);
  std::map<std::string, std::string> sent_as;  // content digest -> a campaign name it went under
  for (const auto& [name, rec] : state.batches)
    for (const auto& [chunk, status] : rec.chunks)
      if (status != BatchStatus::Failed) sent_as.emplace(rec.digest, name);
  for (const BatchCampaign& b : desired.batches) {
    if (untouched.count(b.from)) continue;  // its from number is outside this wave
    const std::string digest = batch_digest(b);
    const std::vector<Chunk> chunks = chunks_of(b, size);
    const int total = static_cast<int>(chunks.size());
    auto rec = state.batches.find(b.name);
    const bool resubmit = options.resubmit.count(b.name) > 0;
    auto expired_warning = [&](const std::string& zone, const std::string& when) {
      plan.warnings.push_back({"batch_expired", b.name,
                               std::string("expired") + (when.empty() ? "" : " at " + when) +
                                   ", never sent" +
                                   (zone.empty() ? "" : " to recipients in " + zone)});
    };
    if (rec == state.batches.end() && !resubmit) {
      // Expired everywhere: final, so neither recorded as unknown nor reported as renamed.
      if (b.window.any() && options.now) {
        std::map<std::string, std::string> expired;  // zone -> when
        for (const auto& group : plan::calls_by_timezone(b)) {
          const plan::WindowState w = plan::window_state(b, group.first, *options.now);
          if (w.kind != plan::WindowState::Kind::expired) {
            expired.clear();
            break;
          }
          expired.emplace(group.first, w.local);
        }
        for (const auto& [zone, when] : expired) expired_warning(zone, when);
        if (!expired.empty()) continue;
      }
      auto other = sent_as.find(digest);
      if (other != sent_as.end() && other->second != b.name) {
        plan.warnings.push_back({"batch_renamed", b.name,
                                 "the same calls were already sent as campaign '" + other->second +
                                     "'; not sent again ('xuna-sync apply --resubmit " + b.name +
                                     "' sends them under this name)"});
        continue;
      }
      // A state with no record of this target cannot know what another state sent from a
      // number XUNA already has; one this run imports nobody can have dialled from.
      if (!state.has_history && live.count(b.from)) {
        plan.warnings.push_back(
            {"batch_guard", b.name,
             "this state has no record of the target, and " + b.from +
                 " is already in XUNA: the campaign may have been sent from another state; "
                 "recorded as unknown, not sent ('xuna-sync apply --resubmit " + b.name +
                 "' sends it)"});
        plan.unrecorded.push_back({b.name, digest, total});
        ++plan.summary.unknown_batches;
        continue;
      }
    }
    std::vector<int> send, unknown;
    std::vector<const Chunk*> to_send;
    bool any_sent = false;
    std::map<std::string, std::string> waiting, expired;  // zone -> when, for the warnings
    for (const Chunk& c : chunks) {
      std::optional<BatchStatus> status;
      if (rec != state.batches.end()) {
        auto it = rec->second.chunks.find(c.number);
        if (it != rec->second.chunks.end()) status = it->second;
      }
      if (status == BatchStatus::Sent) {
        any_sent = true;
        continue;
      }
      if (b.window.any()) {  // an expired window is final, even for --resubmit
        plan::WindowState w;
        if (options.now) {
          w = plan::window_state(b, c.zone, *options.now);
        } else {
          w.kind = plan::WindowState::Kind::waiting;
        }
        if (w.kind == plan::WindowState::Kind::expired) {
          expired.emplace(c.zone, w.local);
          continue;
        }
        if (w.kind == plan::WindowState::Kind::waiting) {
          waiting.emplace(c.zone, w.local);
          continue;
        }
      }
      if ((status == BatchStatus::Unknown || status == BatchStatus::Pending) && !resubmit) {
        unknown.push_back(c.number);
      } else {
        send.push_back(c.number);
        to_send.push_back(&c);
      }
    }
    for (const auto& [zone, when] : waiting)
      plan.warnings.push_back({"batch_waiting", b.name,
                               "waiting until " + (when.empty() ? std::string("its window opens") : when) +
                                   (zone.empty() ? "" : " for recipients in " + zone)});
    for (const auto& [zone, when] : expired) expired_warning(zone, when);
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
      ++plan.summary.unknown_batches;
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
    for (const Chunk* c : to_send) {
      std::vector<std::size_t> calls;
      for (std::size_t i : c->calls) {
        if (std::binary_search(desired.suppressed.begin(), desired.suppressed.end(), b.calls[i].to))
          ++a.suppressed;
        else
          calls.push_back(i);
      }
      a.calls += static_cast<int>(calls.size());
      a.chunk_calls.push_back(std::move(calls));
    }
    a.campaign = std::make_shared<const BatchCampaign>(b);
    plan.actions.push_back(std::move(a));
    ++plan.summary.batches;
  }
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
  std::set<std::string> mapped, untouched;  // untouched: outside --only, or deferred
  const Selection& selection = options.selection;
  int importing = 0;
  std::vector<const DesiredNumber*> live_selected;  // in XUNA and selected: probation fallbacks
  for (const DesiredNumber& want : desired.numbers) {
    mapped.insert(want.phone_number);
    auto it = by_number.find(want.phone_number);
    if (!selection.only.empty() &&
        std::none_of(selection.only.begin(), selection.only.end(),
                     [&](const std::string& p) { return selected_by(p, want); })) {
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
      assigns.push_back(as);
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

  auto by_phone = [](const Action& a, const Action& b) { return a.phone_number < b.phone_number; };
  std::sort(imports.begin(), imports.end(), by_phone);
  std::sort(assigns.begin(), assigns.end(), by_phone);
  plan.summary.imports = static_cast<int>(imports.size());
  plan.summary.assigns = static_cast<int>(assigns.size());
  plan.actions = std::move(imports);
  plan.actions.insert(plan.actions.end(), assigns.begin(), assigns.end());
  plan_batches(desired, by_number, untouched, state, options, plan);
  plan_probation(live_selected, state, options, plan);
  std::stable_sort(plan.warnings.begin(), plan.warnings.end(),
                   [](const Warning& a, const Warning& b) { return a.phone_number < b.phone_number; });
  return plan;
}

}  // namespace xs

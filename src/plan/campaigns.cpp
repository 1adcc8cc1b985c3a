// Campaigns from the per-recipient ledger: a recipient with a sent or unknown entry is never
// in a request again (unknown ones only through --resubmit, with the key they went with), so
// chunk size, zones, windows, order and the file a recipient came from change nothing about
// who is dialled (docs/DESIGN.md §6).
#include "plan/campaigns.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

#include "model/digest_of.h"
#include "plan/windows.h"

namespace xs::plan {
namespace {

using Kind = WindowState::Kind;

// Each zone's window at now, worked out once per zone.
class Windows {
 public:
  Windows(const BatchCampaign& b, const PlanOptions& o) : b_(b), o_(o) {}
  const WindowState& at(const std::string& zone) {
    auto it = cache_.find(zone);
    if (it != cache_.end()) return it->second;
    WindowState w;  // open, never closing: a campaign without a window
    if (b_.window.any()) {
      if (o_.now) {
        w = window_state(b_, zone, *o_.now);
      } else {  // no clock (a unit of the planner): a window is never taken as open
        w.kind = Kind::waiting;
      }
    }
    return cache_.emplace(zone, w).first->second;
  }

 private:
  const BatchCampaign& b_;
  const PlanOptions& o_;
  std::map<std::string, WindowState> cache_;
};

std::string in_zone(const std::string& zone) {
  return zone.empty() ? "" : " in " + zone;
}

std::string recipients(int n) {
  return std::to_string(n) + (n == 1 ? " recipient" : " recipients");
}

// A due recipient, before pacing and chunking.
struct Due {
  std::size_t call = 0;
  std::string zone;
  TimePoint closes = TimePoint::max();
  std::string prior;  // the key of a failed earlier request that carried it
};

// Splits one zone's due calls into requests of at most size calls.
void chunk(const std::vector<const Due*>& due, std::size_t size, std::vector<CampaignRequest>& out) {
  for (std::size_t begin = 0; begin < due.size(); begin += size) {
    CampaignRequest r;
    r.zone = due[begin]->zone;
    std::vector<std::string> prior;
    for (std::size_t i = begin; i < std::min(due.size(), begin + size); ++i) {
      r.calls.push_back(due[i]->call);
      if (!due[i]->prior.empty()) prior.push_back(due[i]->prior);
    }
    std::sort(prior.begin(), prior.end());
    prior.erase(std::unique(prior.begin(), prior.end()), prior.end());
    for (const auto& p : prior) r.prior += (r.prior.empty() ? "" : ",") + p;
    out.push_back(std::move(r));
  }
}

class CampaignPlanner {
 public:
  CampaignPlanner(const Desired& desired, const BatchCampaign& b, const StateView& state,
                  const PlanOptions& options, Plan& plan)
      : desired_(desired), b_(b), options_(options), plan_(plan), windows_(b, options) {
    auto it = state.campaigns.find(b.name);
    if (it != state.campaigns.end()) ledger_ = &it->second;
    counts_.name = b.name;
    resubmit_ = options.resubmit.count(b.name) > 0;
  }

  // Sorts every recipient into one count; due ones into due_, unknown ones to resend into
  // resend_ (by the key they went with).
  void classify() {
    const std::vector<CallKey> keys = call_keys(b_);
    for (std::size_t i = 0; i < b_.calls.size(); ++i) {
      const BatchCallTarget& call = b_.calls[i];
      const CallKey& key = keys[i];
      const LedgerEntry* e = entry(key);
      if (e && e->status == CallStatus::Sent) {
        ++counts_.dialled;
        if (!e->digest.empty() && e->digest != call_digest(b_, call)) ++changed_after_;
        continue;
      }
      const std::string zone = effective_timezone(b_, call);
      const WindowState& w = windows_.at(zone);
      const bool suppressed = std::binary_search(desired_.suppressed.begin(),
                                                 desired_.suppressed.end(), call.to);
      if (w.kind == Kind::expired) {  // final, even for --resubmit and unknown outcomes
        ++counts_.expired;
        expired_.emplace(zone, w.local);
        if (!e || (e->status != CallStatus::Expired && e->status != CallStatus::Unknown))
          marks_.expired.push_back(key);
        continue;
      }
      if (e && e->status == CallStatus::Unknown) {
        if (resubmit_ && w.kind == Kind::open && !suppressed) {
          resend_[e->request_key].push_back(i);
        } else {
          ++counts_.unknown;
        }
        continue;
      }
      if (suppressed) {  // a do-not-call list wins over everything still to send
        ++counts_.suppressed;
        if (!e || e->status != CallStatus::Suppressed) marks_.suppressed.push_back(key);
        continue;
      }
      if (w.kind == Kind::waiting) {
        wait(zone, w.local.empty() ? "its window opens" : w.local);
        waiting_calls_.push_back(i);
        continue;
      }
      if (e && e->status == CallStatus::Failed) ++counts_.failed;
      due_.push_back({i, zone, w.at, e && e->status == CallStatus::Failed ? e->request_key : ""});
    }
  }

  // A campaign the ledger has never seen: expired everywhere, renamed, or guarded. True when
  // it stops here.
  bool held_back(const std::map<std::string, std::pair<std::string, bool>>& sent_as,
                 bool has_history, bool from_is_live) {
    if (ledger_ || resubmit_) return false;
    if (due_.empty() && counts_.waiting == 0) return false;  // nothing it could ever dial
    const std::string digest = batch_digest(b_);
    auto other = sent_as.find(digest);
    if (other != sent_as.end() && other->second.first != b_.name) {
      plan_.warnings.push_back(
          {"batch_renamed", b_.name,
           std::string("the same calls ") +
               (other->second.second ? "were already sent" : "have an unknown outcome") +
               " as campaign '" + other->second.first + "'; not sent again ('xuna-sync apply " +
               "--resubmit " + b_.name + "' sends them under this name)"});
      counts_.held = static_cast<int>(due_.size()) + counts_.waiting;
      counts_.waiting = 0;
      counts_.waiting_by_zone.clear();
      finish_counts();
      return true;
    }
    // A state with no record of this target cannot know what another state sent from a
    // number XUNA already has; one this run imports nobody can have dialled from.
    if (!has_history && from_is_live) {
      plan_.warnings.push_back(
          {"batch_guard", b_.name,
           "this state has no record of the target, and " + b_.from +
               " is already in XUNA: the campaign may have been sent from another state; "
               "recorded as unknown, not sent ('xuna-sync apply --resubmit " + b_.name +
               "' sends it)"});
      UnrecordedBatch u{b_.name, digest, {}};
      const std::vector<CallKey> keys = call_keys(b_);
      std::vector<bool> held(b_.calls.size());
      for (const Due& d : due_) held[d.call] = true;
      for (std::size_t i : waiting_calls_) held[i] = true;
      for (std::size_t i = 0; i < b_.calls.size(); ++i) {
        if (held[i]) u.calls.emplace_back(keys[i], call_digest(b_, b_.calls[i]));
      }
      counts_.unknown += static_cast<int>(u.calls.size());
      counts_.waiting = 0;
      counts_.waiting_by_zone.clear();
      plan_.unrecorded.push_back(std::move(u));
      ++plan_.summary.unknown_batches;
      finish_counts();
      return true;
    }
    return false;
  }

  // Unknown recipients to send again (--resubmit), each group with the key it first went
  // with; then the due ones, zone by zone, paced and chunked.
  void build_requests() {
    const std::size_t size = static_cast<std::size_t>(std::max(1, options_.batch_chunk));
    long long budget = b_.max_calls_per_run > 0 ? b_.max_calls_per_run : -1;
    long long placed = 0;  // calls in this run's requests so far, for dial_rate
    auto take = [&](std::size_t n) {
      placed += static_cast<long long>(n);
      if (budget >= 0) budget -= static_cast<long long>(n);
    };
    for (auto& [key, calls] : resend_) {
      if (key.empty()) {  // recorded unknown without a request (the guard): new keys
        std::vector<Due> fresh;
        for (std::size_t i : calls) fresh.push_back({i, effective_timezone(b_, b_.calls[i]), {}, {}});
        std::vector<const Due*> ptrs;
        for (const Due& d : fresh) ptrs.push_back(&d);
        chunk(ptrs, size, requests_);
      } else {
        CampaignRequest r;
        r.zone = effective_timezone(b_, b_.calls[calls.front()]);
        r.calls = calls;
        r.key = key;
        requests_.push_back(std::move(r));
      }
      take(calls.size());
    }
    std::map<std::string, std::vector<const Due*>> by_zone;  // zones in name order
    for (const Due& d : due_) by_zone[d.zone].push_back(&d);
    for (auto& [zone, due] : by_zone) {
      std::vector<const Due*> now;
      for (const Due* d : due) {
        const bool over_budget = budget == 0 || (budget > 0 && static_cast<long long>(now.size()) >= budget);
        if (over_budget) {
          wait(zone, "the next run (max_calls_per_run: " + std::to_string(b_.max_calls_per_run) + ")");
          continue;
        }
        if (b_.dial_rate > 0 && options_.now) {
          const auto end = last_call_at(placed + static_cast<long long>(now.size()) + 1);
          if (end > d->closes) {  // XUNA would still be dialling it after the window closes
            wait(zone, "a later run (dial_rate: its call would end after the window closes)");
            continue;
          }
        }
        now.push_back(d);
      }
      const std::size_t first = requests_.size();
      chunk(now, size, requests_);
      long long upto = placed;
      for (std::size_t r = first; r < requests_.size(); ++r) {
        upto += static_cast<long long>(requests_[r].calls.size());
        if (b_.dial_rate > 0 && options_.now) requests_[r].last_call = last_call_at(upto);
      }
      take(now.size());
    }
    for (const auto& r : requests_) counts_.to_dial += static_cast<int>(r.calls.size());
    if (b_.dial_rate > 0 && options_.now && counts_.to_dial > 0)
      counts_.last_call = last_call_at(placed);
  }

  void warn() {
    for (const auto& [zone, when] : waiting_)
      plan_.warnings.push_back({"batch_waiting", b_.name,
                                recipients(counts_.waiting_by_zone[zone]) + in_zone(zone) +
                                    " waiting until " + when});
    for (const auto& [zone, when] : expired_)
      plan_.warnings.push_back({"batch_expired", b_.name,
                                std::string("expired") + (when.empty() ? "" : " at " + when) +
                                    ", never sent" +
                                    (zone.empty() ? "" : " to recipients in " + zone)});
    if (changed_after_ > 0 && (counts_.to_dial > 0 || counts_.waiting > 0))
      plan_.warnings.push_back(
          {"batch_changed", b_.name,
           "content changed after " + std::to_string(counts_.dialled) + " were dialled (" +
               recipients(changed_after_) + " with the old content); they are left alone, "
               "the rest are sent with the new content"});
    if (counts_.unknown > 0) {
      plan_.warnings.push_back(
          {"batch_unknown", b_.name,
           "outcome unknown for " + recipients(counts_.unknown) +
               " (no clear answer when sent); not resent automatically: "
               "'xuna-sync apply --resubmit " + b_.name + "' sends them again"});
      ++plan_.summary.unknown_batches;
    }
  }

  void add_action(const std::unordered_map<std::string, const LiveNumber*>& live) {
    finish_counts();
    if (requests_.empty()) return;
    Action a;
    a.kind = ActionKind::Batch;
    a.batch_name = b_.name;
    a.phone_number = b_.from;
    auto from = live.find(b_.from);
    if (from != live.end()) a.phone_number_id = from->second->phone_number_id;
    a.agent_id = b_.agent_id;
    a.agent_ref = b_.agent_ref;
    a.digest = batch_digest(b_);
    a.calls = counts_.to_dial;
    a.suppressed = counts_.suppressed;
    a.requests = std::move(requests_);
    a.campaign = std::make_shared<const BatchCampaign>(b_);
    plan_.actions.push_back(std::move(a));
    ++plan_.summary.batches;
  }

 private:
  const LedgerEntry* entry(const CallKey& key) const {
    if (!ledger_) return nullptr;
    auto it = ledger_->find(key);
    return it == ledger_->end() ? nullptr : &it->second;
  }

  void wait(const std::string& zone, const std::string& until) {
    ++counts_.waiting;
    ++counts_.waiting_by_zone[zone];
    waiting_.emplace(zone, until);
  }

  TimePoint last_call_at(long long n) const {
    const auto seconds = static_cast<double>(n) * 60.0 / b_.dial_rate;
    return *options_.now +
           std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(seconds));
  }

  void finish_counts() {
    if (!marks_.suppressed.empty() || !marks_.expired.empty()) {
      marks_.name = b_.name;
      plan_.marks.push_back(std::move(marks_));
      marks_ = {};
    }
    plan_.campaigns.push_back(counts_);
  }

  const Desired& desired_;
  const BatchCampaign& b_;
  const PlanOptions& options_;
  Plan& plan_;
  Windows windows_;
  const CampaignLedger* ledger_ = nullptr;
  bool resubmit_ = false;
  CampaignCounts counts_;
  CampaignMarks marks_;
  int changed_after_ = 0;
  std::vector<Due> due_;
  std::vector<std::size_t> waiting_calls_;
  std::map<std::string, std::vector<std::size_t>> resend_;  // key -> calls
  std::map<std::string, std::string> waiting_, expired_;    // zone -> when
  std::vector<CampaignRequest> requests_;
};

}  // namespace

void plan_campaigns(const Desired& desired,
                    const std::unordered_map<std::string, const LiveNumber*>& live,
                    const std::set<std::string>& untouched, const StateView& state,
                    const PlanOptions& options, Plan& plan) {
  // Content digest -> (a campaign it went under, whether any of it was sent for sure).
  std::map<std::string, std::pair<std::string, bool>> sent_as;
  for (const auto& [name, ledger] : state.campaigns)
    for (const auto& [key, e] : ledger)
      if (e.status == CallStatus::Sent || e.status == CallStatus::Unknown) {
        auto& slot = sent_as.try_emplace(e.campaign_digest, name, false).first->second;
        slot.second = slot.second || e.status == CallStatus::Sent;
      }
  for (const auto& [name, rec] : state.legacy_batches)
    for (const auto& [chunk, status] : rec.chunks)
      if (status != BatchStatus::Failed) {
        auto& slot = sent_as.try_emplace(rec.digest, name, false).first->second;
        slot.second = slot.second || status == BatchStatus::Sent;
      }
  for (const BatchCampaign& b : desired.batches) {
    if (untouched.count(b.from)) continue;  // its from number is outside this wave
    CampaignPlanner p(desired, b, state, options, plan);
    p.classify();
    if (p.held_back(sent_as, state.has_history, live.count(b.from) > 0)) continue;
    p.build_requests();
    p.warn();
    p.add_action(live);
  }
}

}  // namespace xs::plan

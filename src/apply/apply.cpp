#include "apply/apply.h"

#include <mutex>
#include <unordered_map>

#include "util/digest.h"
#include "util/log.h"
#include "util/parallel.h"

namespace xs {
namespace {

// Shared bookkeeping of one apply: results, progress, ids learned from imports.
class Run {
 public:
  Run(const Plan& plan, XunaApi& api, Journal& journal,
      const std::map<std::string, TwilioCredentials>& credentials, const ApplyOptions& options)
      : plan_(plan), api_(api), journal_(journal), credentials_(credentials), options_(options) {
    total_ = plan.actions.size() + plan.errors.size();
  }

  ApplyReport execute() {
    for (const PlanError& e : plan_.errors) {
      Action a;
      a.kind = ActionKind::Import;
      a.phone_number = e.phone_number;
      ActionResult r;
      r.action = a;
      r.outcome = Outcome::Failed;
      r.error = e.message;
      report_.results.push_back(std::move(r));
      finished(Outcome::Failed);
    }
    std::vector<std::size_t> imports, assigns, batches;
    for (std::size_t i = 0; i < plan_.actions.size(); ++i) {
      switch (plan_.actions[i].kind) {
        case ActionKind::Import: imports.push_back(i); break;
        case ActionKind::Assign: assigns.push_back(i); break;
        case ActionKind::Batch: batches.push_back(i); break;
      }
    }
    const std::size_t base = report_.results.size();
    report_.results.resize(base + plan_.actions.size());
    for (std::size_t i = 0; i < plan_.actions.size(); ++i)
      report_.results[base + i].action = plan_.actions[i];
    results_ = &report_.results[base];

    run_imports(imports);
    in_parallel(assigns, [this](std::size_t i) { assign(i); });
    in_parallel(batches, [this](std::size_t i) { submit_batch(i); });
    for (const auto& r : report_.results) {
      switch (r.outcome) {
        case Outcome::Ok: ++report_.ok; break;
        case Outcome::Failed: ++report_.failed; break;
        case Outcome::Skipped: ++report_.skipped; break;
        case Outcome::Unknown: ++report_.unknown; break;
      }
    }
    return std::move(report_);
  }

 private:
  struct PendingImport {
    std::size_t index;
    std::int64_t entry;
    std::string key;
    ApiError error;
  };

  template <class F>
  void in_parallel(const std::vector<std::size_t>& indices, F work) {
    run_parallel(indices.size(), options_.parallelism,
                 [&](std::size_t k) { work(indices[k]); });
  }

  void run_imports(const std::vector<std::size_t>& imports) {
    std::vector<PendingImport> unclear;
    std::mutex unclear_mutex;
    in_parallel(imports, [&](std::size_t i) {
      const std::string key = new_idempotency_key();
      const std::int64_t entry = journal_.intent(plan_.actions[i], key);
      if (auto pending = send_import(i, entry, key)) {
        std::lock_guard<std::mutex> lock(unclear_mutex);
        unclear.push_back(std::move(*pending));
      }
    });
    if (unclear.empty()) return;
    settle_unclear_imports(unclear);
  }

  // Sends one import; returns it when its outcome needs a re-list to settle.
  std::optional<PendingImport> send_import(std::size_t i, std::int64_t entry,
                                           const std::string& key) {
    const Action& a = plan_.actions[i];
    auto creds = credentials_.find(a.twilio_account);
    if (creds == credentials_.end()) {
      fail(i, entry, Outcome::Failed, "no credentials for Twilio account '" + a.twilio_account + "'");
      return std::nullopt;
    }
    ImportRequest req{a.label, a.phone_number, creds->second.account_sid, creds->second.auth_token};
    Result<std::string> r = api_.import_number(req, key);
    if (r.ok()) {
      succeed(i, entry, r.value(), "");
      return std::nullopt;
    }
    const ApiError& e = r.error();
    if (e.kind == ErrorKind::Conflict || e.maybe_committed) return PendingImport{i, entry, key, e};
    fail(i, entry, Outcome::Failed, e.message);
    return std::nullopt;
  }

  // One re-list settles every unclear import: adopt what arrived, resend what did not.
  void settle_unclear_imports(std::vector<PendingImport>& unclear) {
    Result<LiveList> live = api_.list_numbers();
    if (!live.ok()) {
      for (auto& p : unclear)
        fail(p.index, p.entry, Outcome::Unknown,
             p.error.message + "; could not re-list to check (" + live.error().message +
                 "); the next run will check again");
      return;
    }
    std::unordered_map<std::string, std::string> ids;
    for (const auto& n : live.value()) ids.emplace(n.phone_number, n.phone_number_id);
    std::vector<PendingImport> resend;
    for (auto& p : unclear) {
      auto it = ids.find(plan_.actions[p.index].phone_number);
      if (it != ids.end()) {
        succeed(p.index, p.entry, it->second,
                p.error.kind == ErrorKind::Conflict ? "already in XUNA: adopted"
                                                    : "arrived despite an unclear answer: adopted");
      } else if (p.error.kind == ErrorKind::Conflict) {
        fail(p.index, p.entry, Outcome::Failed, p.error.message + "; yet the number is not listed");
      } else {
        resend.push_back(std::move(p));
      }
    }
    in_parallel_pending(resend);
  }

  // Sends again (same key) the imports a re-list showed absent; an unclear answer now is final.
  void in_parallel_pending(std::vector<PendingImport>& resend) {
    run_parallel(resend.size(), options_.parallelism, [&](std::size_t k) {
      PendingImport& p = resend[k];
      if (auto again = send_import(p.index, p.entry, p.key)) {
        fail(p.index, p.entry, Outcome::Unknown,
             again->error.message + "; outcome unknown, the next run will check the list");
      }
    });
  }

  // The id of the action's number: known from the live list, or given by this run's import.
  std::string id_of(const Action& a) {
    if (!a.phone_number_id.empty()) return a.phone_number_id;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = imported_.find(a.phone_number);
    return it == imported_.end() ? std::string() : it->second;
  }

  void skip(std::size_t i, const std::string& why) {
    results_[i].outcome = Outcome::Skipped;
    results_[i].error = why;
    finished(Outcome::Skipped);
  }

  void assign(std::size_t i) {
    const Action& a = plan_.actions[i];
    const std::string id = id_of(a);
    if (id.empty()) {
      skip(i, "not assigned: the import of " + a.phone_number + " did not succeed");
      return;
    }
    const std::string key = new_idempotency_key();
    const std::int64_t entry = journal_.intent(a, key);
    Result<Unit> r = api_.assign_agent(id, a.agent_id, key);
    if (r.ok()) {
      succeed(i, entry, id, "");
    } else {
      fail(i, entry, r.error().maybe_committed ? Outcome::Unknown : Outcome::Failed,
           r.error().message);
    }
  }

  // Sends a campaign's chunks in order; the first chunk that does not clearly succeed stops it.
  void submit_batch(std::size_t i) {
    const Action& a = plan_.actions[i];
    const std::string from_id = id_of(a);
    if (from_id.empty() || !a.campaign) {
      skip(i, "not sent: its from number " + a.phone_number + " is not in XUNA");
      return;
    }
    const std::int64_t entry = journal_.intent(a, "");
    const auto& calls = a.campaign->calls;
    std::vector<std::string> ids;
    long long initiated = 0, expected = 0;
    for (int k : a.chunks) {
      BatchRequest req{a.agent_id, from_id, {}};
      const std::size_t begin = static_cast<std::size_t>(k) * a.chunk_size;
      const std::size_t end = std::min(calls.size(), begin + a.chunk_size);
      for (std::size_t c = begin; c < end; ++c)
        req.calls.push_back({calls[c].to, calls[c].override});
      const std::string key = "xs-batch-" + sha256_hex(options_.target_salt + "\n" + a.batch_name +
                                                       "\n" + std::to_string(k)).substr(0, 32);
      journal_.batch_intent(a.batch_name, k, a.digest, key);
      Result<BatchResult> r = api_.submit_batch(req, key);
      if (!r.ok()) {
        const bool unclear = r.error().maybe_committed;
        journal_.batch_outcome(a.batch_name, k, unclear ? "unknown" : "failed", "", 0);
        std::string why = "chunk " + std::to_string(k + 1) + ": " + r.error().message;
        if (unclear)
          why += "; outcome unknown, not resent automatically (apply --resubmit " + a.batch_name + ")";
        fail(i, entry, unclear ? Outcome::Unknown : Outcome::Failed, why);
        return;
      }
      journal_.batch_outcome(a.batch_name, k, "sent", r.value().batch_id,
                             r.value().calls_initiated);
      ids.push_back(r.value().batch_id);
      initiated += r.value().calls_initiated;
      expected += static_cast<long long>(end - begin);
    }
    std::string note = std::to_string(initiated) + " calls initiated";
    if (initiated < expected) {
      note = "only " + std::to_string(initiated) + " of " + std::to_string(expected) +
             " calls initiated";
      log_warn("batch " + a.batch_name + ": " + note);
    }
    journal_.outcome(entry, Outcome::Ok, "", "");
    results_[i].outcome = Outcome::Ok;
    results_[i].batch_ids = ids;
    results_[i].calls_initiated = initiated;
    results_[i].note = note;
    finished(Outcome::Ok);
  }

  void succeed(std::size_t i, std::int64_t entry, const std::string& id, const std::string& note) {
    journal_.outcome(entry, Outcome::Ok, "", id);
    journal_.managed(plan_.actions[i].phone_number, id);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (plan_.actions[i].kind == ActionKind::Import) imported_[plan_.actions[i].phone_number] = id;
    }
    results_[i].outcome = Outcome::Ok;
    results_[i].phone_number_id = id;
    results_[i].note = note;
    finished(Outcome::Ok);
  }

  void fail(std::size_t i, std::int64_t entry, Outcome outcome, const std::string& error) {
    journal_.outcome(entry, outcome, error, "");
    results_[i].outcome = outcome;
    results_[i].error = error;
    finished(outcome);
  }

  void finished(Outcome outcome) {
    std::lock_guard<std::mutex> lock(progress_mutex_);
    ++done_;
    if (outcome != Outcome::Ok) ++failed_;
    if (options_.progress) options_.progress(done_, total_, failed_);
  }

  const Plan& plan_;
  XunaApi& api_;
  Journal& journal_;
  const std::map<std::string, TwilioCredentials>& credentials_;
  const ApplyOptions& options_;
  ApplyReport report_;
  ActionResult* results_ = nullptr;
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> imported_;  // number -> id, from this run
  std::mutex progress_mutex_;
  std::size_t done_ = 0, failed_ = 0, total_ = 0;
};

}  // namespace

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Ok: return "ok";
    case Outcome::Failed: return "failed";
    case Outcome::Skipped: return "skipped";
    case Outcome::Unknown: return "unknown";
  }
  return "?";
}

ApplyReport apply_plan(const Plan& plan, XunaApi& api, Journal& journal,
                       const std::map<std::string, TwilioCredentials>& credentials,
                       const ApplyOptions& options) {
  return Run(plan, api, journal, credentials, options).execute();
}

}  // namespace xs

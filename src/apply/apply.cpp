#include "apply/apply.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "model/digest_of.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/parallel.h"

namespace xs {
namespace {

// The --parallelism places of requests in flight. The imports' and assigns' workers outnumber
// them by a few (ahead_of_places), so a place given back goes at once to a request whose
// intent is already durable, instead of waiting for the worker that answered to record its
// outcome and write its next intent (~1 ms each time, ~1.5 of 32 places idle; issue 23).
class Places {
 public:
  explicit Places(std::size_t count) : free_(std::max<std::size_t>(1, count)) {}
  // One place, held until released or destroyed.
  class Held {
   public:
    explicit Held(Places& places) : places_(&places) { places.take(); }
    Held(Held&& other) noexcept : places_(std::exchange(other.places_, nullptr)) {}
    Held& operator=(Held&&) = delete;
    ~Held() { release(); }
    void release() {
      if (places_) std::exchange(places_, nullptr)->give_back();
    }

   private:
    Places* places_;
  };

 private:
  void take() {
    std::unique_lock<std::mutex> lock(mutex_);
    free_place_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void give_back() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++free_;
    }
    free_place_.notify_one();
  }
  std::mutex mutex_;
  std::condition_variable free_place_;
  std::size_t free_;
};

// Workers beyond the places: enough to have a durable intent ready for each place given back
// while the worker that answered records its outcome (at -p 32 on the bench's machine, an
// answer every ~0.65 ms against ~1 ms for that).
std::size_t ahead_of_places(std::size_t parallelism) { return 1 + parallelism / 16; }

// Shared bookkeeping of one apply: results, progress, ids learned from imports.
class Run {
 public:
  Run(const Plan& plan, XunaApi& api, Journal& journal,
      const std::map<std::string, TwilioCredentials>& credentials, const ApplyOptions& options)
      : plan_(plan),
        api_(api),
        journal_(journal),
        credentials_(credentials),
        options_(options),
        places_(options.parallelism) {
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
        case ActionKind::Rollback:
        case ActionKind::Undo:
        case ActionKind::Fallback: break;  // Twilio routing: sync, not a XUNA plan
      }
    }
    // Each result gets a copy of its action when the action ends, on the worker that ran it:
    // copying 2,000 large actions here held up the first request by ~4 ms (issue 23).
    const std::size_t base = report_.results.size();
    report_.results.resize(base + plan_.actions.size());
    results_ = &report_.results[base];
    described_.assign(plan_.actions.size(), 0);

    run_imports_and_assigns(imports, assigns);
    check_phase(batches, "sending campaigns");
    in_parallel(batches, [this](std::size_t i) { submit_batch(i); });
    for (std::size_t i = 0; i < plan_.actions.size(); ++i)  // kinds apply does not run
      if (!described_[i]) results_[i].action = plan_.actions[i];
    for (const auto& r : report_.results) {
      switch (r.outcome) {
        case Outcome::Ok: ++report_.ok; break;
        case Outcome::Failed: ++report_.failed; break;
        case Outcome::Pending:  // never left so: a result is written once its action ends
        case Outcome::Skipped: ++report_.skipped; break;
        case Outcome::Unknown: ++report_.unknown; break;
      }
    }
    report_.stopped = stopped_reason();
    report_.interrupted = interrupted_;
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

  // Why nothing more may be sent (the state could not be written, a signal), or empty.
  std::string stopped_reason() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopped_;
  }
  // assigns_only: the reason is the assigns' check's, which does not hold back an import.
  void stop_sending(const std::string& why, bool assigns_only = false) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopped_.empty()) return;
    stopped_ = why;
    stopped_for_assigns_ = assigns_only;
  }
  bool stopped_for_assigns() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopped_for_assigns_;
  }
  // Before a phase with actions: stops sending when options_.before_phase gives a reason.
  static constexpr const char* kDeadline = "the run's deadline passed (--deadline)";
  bool past_deadline() const { return options_.deadline_passed && options_.deadline_passed(); }

  void check_phase(const std::vector<std::size_t>& phase, const std::string& what,
                   bool assigns_only = false) {
    if (phase.empty() || !options_.before_phase || !stopped_reason().empty()) return;
    const std::string why = options_.before_phase(what);
    if (!why.empty()) stop_sending(why, assigns_only);
  }
  // Why nothing more may be sent now (a signal and the deadline are looked at), or empty.
  std::string stop_now() {
    if (options_.stop && options_.stop->load() && stopped_reason().empty()) {
      interrupted_ = true;
      stop_sending("interrupted by a signal");
    }
    if (past_deadline()) stop_sending(kDeadline);
    return stopped_reason();
  }
  // True when the action may not start: then it is skipped with the reason.
  bool must_stop(std::size_t i) {
    const std::string why = stop_now();
    if (why.empty()) return false;
    skip(i, "not sent: " + why);
    return true;
  }
  // A place for action i, whose intent is written, or nullopt when sending stopped while it
  // waited for one: then the action ends skipped, journaled so. An import's intent written
  // before the assigns' check stopped sending is sent, as it was before workers waited here.
  std::optional<Places::Held> place_for(std::size_t i, std::int64_t entry) {
    Places::Held place(places_);
    const std::string why = stop_now();
    if (why.empty() || (plan_.actions[i].kind == ActionKind::Import && stopped_for_assigns()))
      return place;
    place.release();
    fail(i, entry, Outcome::Skipped, "not sent: " + why);
    return std::nullopt;
  }
  // The journal's intent for action i, or nullopt (then skipped) when it cannot be written:
  // no request goes out whose intent is not durable.
  std::optional<std::int64_t> intent(std::size_t i, const std::string& key) {
    if (must_stop(i)) return std::nullopt;
    try {
      return journal_.intent(plan_.actions[i], key);
    } catch (const std::exception& e) {
      stop_sending(std::string("the state could not be written (") + e.what() + ")");
      skip(i, "not sent: " + stopped_reason());
      return std::nullopt;
    }
  }
  // Journal writes after a request: a failure stops further sends; the result stands.
  template <class F>
  void journal_after(F write) {
    try {
      write();
    } catch (const std::exception& e) {
      stop_sending(std::string("the state could not be written (") + e.what() + ")");
    }
  }

  // The imports, then the assigns (docs/DESIGN.md §4), without a pause between them: the
  // assign of a number this run imports goes as soon as its import has succeeded, on a worker
  // the imports no longer need. Waiting for the last import's answer (and a new set of
  // threads) cost ~20 ms of a 1,000-number apply (issue 23). The lock is checked for the
  // assigns once every import's intent is written, before the first assign; the cut-over check
  // (after_imports) starts when the last import is answered. Imports with an unclear answer
  // are settled after this pass, and their assigns go after that.
  void run_imports_and_assigns(const std::vector<std::size_t>& imports,
                               const std::vector<std::size_t>& assigns) {
    std::unordered_multimap<std::string, std::size_t> waiting;  // number -> assign, until imported
    std::deque<std::size_t> ready;                              // assigns that may go
    {
      std::unordered_set<std::string> importing;
      for (std::size_t i : imports) importing.insert(plan_.actions[i].phone_number);
      for (std::size_t a : assigns) {
        const Action& action = plan_.actions[a];
        if (action.phone_number_id.empty() && importing.count(action.phone_number))
          waiting.emplace(action.phone_number, a);
        else
          ready.push_back(a);
      }
    }
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t next = 0;        // the next import to send
    std::size_t unsent = 0;      // imports taken whose intent is not written yet
    std::size_t unanswered = 0;  // imports taken and not answered yet
    enum class Gate { Closed, Checking, Open } gate = Gate::Closed;  // the assigns' lock check
    std::vector<PendingImport> unclear;
    bool reported = false;  // after_imports called
    if (imports.empty()) {
      reported = true;
      report_imports(imports);
    }
    auto worker = [&] {
      std::unique_lock<std::mutex> lock(mutex);
      for (;;) {
        if (next < imports.size()) {
          const std::size_t i = imports[next++];
          ++unsent;
          ++unanswered;
          lock.unlock();
          const std::string key = new_idempotency_key();
          const std::optional<std::int64_t> entry = intent(i, key);
          lock.lock();
          --unsent;
          lock.unlock();
          changed.notify_all();
          std::optional<PendingImport> pending;
          if (entry) {
            if (std::optional<Places::Held> place = place_for(i, *entry))
              pending = send_import(i, *entry, key, std::move(*place));
          }
          lock.lock();
          --unanswered;
          if (pending) {
            unclear.push_back(std::move(*pending));
          } else if (results_[i].outcome == Outcome::Ok) {
            auto [from, to] = waiting.equal_range(plan_.actions[i].phone_number);
            for (auto w = from; w != to; ++w) ready.push_back(w->second);
            waiting.erase(from, to);
          }
          const bool last = next == imports.size() && unanswered == 0;
          if (last && unclear.empty() && !reported) {
            reported = true;
            lock.unlock();
            report_imports(imports);
            lock.lock();
          }
          changed.notify_all();
          continue;
        }
        if (gate == Gate::Closed && unsent == 0) {  // every import's intent written: assigns next
          gate = Gate::Checking;
          lock.unlock();
          // A reason given here stops the assigns, not what the imports started: as when
          // this check came after the last import's answer, the cut-over check still runs.
          check_phase(assigns, "assigning agents", true);
          lock.lock();
          gate = Gate::Open;
          changed.notify_all();
          continue;
        }
        if (gate == Gate::Open && !ready.empty()) {
          const std::size_t a = ready.front();
          ready.pop_front();
          lock.unlock();
          assign(a);
          lock.lock();
          continue;
        }
        // Done when nothing can become ready: no import is left to answer, or none waits.
        if (gate == Gate::Open && (unanswered == 0 || waiting.empty())) break;
        changed.wait(lock);
      }
    };
    const std::size_t parallelism = std::max<std::size_t>(1, options_.parallelism);
    const std::size_t workers =
        std::min(parallelism + ahead_of_places(parallelism), imports.size() + assigns.size());
    run_parallel(workers, workers, [&](std::size_t) { worker(); });
    // Settle in rounds: re-list, adopt what arrived, resend (same key) what did not.
    for (int round = 1; !unclear.empty(); ++round)
      unclear = settle_unclear_imports(unclear, round == options_.settle_rounds);
    if (!reported) report_imports(imports);
    // The assigns still waiting: their import was settled just now, failed or was not sent
    // (assign says why it skips those).
    std::vector<std::size_t> rest;
    for (const auto& [number, a] : waiting) rest.push_back(a);
    std::sort(rest.begin(), rest.end());
    in_parallel(rest, [this](std::size_t a) { assign(a); });
  }

  // The imports are answered (or settled): the cut-over check may start, unless sending
  // stopped before the assigns' check.
  void report_imports(const std::vector<std::size_t>& imports) {
    if (!options_.after_imports || (!stopped_reason().empty() && !stopped_for_assigns()) ||
        (options_.stop && options_.stop->load()))
      return;
    std::vector<ActionResult> done;
    done.reserve(imports.size());
    for (std::size_t i : imports) done.push_back(results_[i]);
    options_.after_imports(done);
  }

  // Sends one import in its place, given back as soon as it is answered; returns it when its
  // outcome needs a re-list to settle.
  std::optional<PendingImport> send_import(std::size_t i, std::int64_t entry,
                                           const std::string& key, Places::Held place) {
    const Action& a = plan_.actions[i];
    auto creds = credentials_.find(a.twilio_account);
    if (creds == credentials_.end()) {
      place.release();
      fail(i, entry, Outcome::Failed, "no credentials for Twilio account '" + a.twilio_account + "'");
      return std::nullopt;
    }
    ImportRequest req{a.label, a.phone_number, creds->second.account_sid, creds->second.auth_token};
    Result<std::string> r = api_.import_number(req, key);
    place.release();
    if (r.ok()) {
      succeed(i, entry, r.value(), "");
      return std::nullopt;
    }
    const ApiError& e = r.error();
    if (e.kind == ErrorKind::Conflict || e.maybe_committed) return PendingImport{i, entry, key, e};
    fail(i, entry, Outcome::Failed, e.message);
    return std::nullopt;
  }

  // One round: a re-list adopts what arrived and resends what did not; gives back the imports
  // still unclear after it (none in the last round: they stay unknown for the next run).
  std::vector<PendingImport> settle_unclear_imports(std::vector<PendingImport>& unclear, bool last) {
    Result<LiveList> live = api_.list_numbers();
    if (!live.ok()) {
      for (auto& p : unclear)
        fail(p.index, p.entry, Outcome::Unknown,
             p.error.message + "; could not re-list to check (" + live.error().message +
                 "); the next run will check again");
      return {};
    }
    std::unordered_map<std::string, std::string> ids;
    for (const auto& n : live.value()) ids.emplace(n.phone_number, n.phone_number_id);
    std::vector<PendingImport> resend;
    for (auto& p : unclear) {
      auto it = ids.find(plan_.actions[p.index].phone_number);
      if (it != ids.end()) {
        // An answer naming another number is not believed, but shown: the list decides.
        succeed(p.index, p.entry, it->second,
                p.error.kind == ErrorKind::Conflict  ? "already in XUNA: adopted"
                : p.error.kind == ErrorKind::Invalid ? p.error.message + "; it is listed: adopted"
                                                     : "arrived despite an unclear answer: adopted");
      } else if (p.error.kind == ErrorKind::Conflict) {
        fail(p.index, p.entry, Outcome::Failed, p.error.message + "; yet the number is not listed");
      } else {
        resend.push_back(std::move(p));
      }
    }
    return resend_absent(resend, last);
  }

  // Sends again (same key) the imports a re-list showed absent; gives back those whose answer
  // is unclear again, or, in the last round, leaves them unknown for the next run.
  std::vector<PendingImport> resend_absent(std::vector<PendingImport>& resend, bool last) {
    std::vector<PendingImport> still;
    std::mutex still_mutex;
    run_parallel(resend.size(), options_.parallelism, [&](std::size_t k) {
      PendingImport& p = resend[k];
      if (!stopped_reason().empty()) {
        fail(p.index, p.entry, Outcome::Unknown,
             p.error.message + "; not sent again: " + stopped_reason());
        return;
      }
      auto again = send_import(p.index, p.entry, p.key, Places::Held(places_));
      if (!again) return;
      if (last) {
        fail(p.index, p.entry, Outcome::Unknown,
             again->error.message + "; outcome unknown, the next run will check the list");
        return;
      }
      std::lock_guard<std::mutex> lock(still_mutex);
      still.push_back(std::move(*again));
    });
    return still;
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
    finished(i, Outcome::Skipped);
  }

  void assign(std::size_t i) {
    const Action& a = plan_.actions[i];
    const std::string id = id_of(a);
    if (id.empty()) {  // its import was not sent (sending stopped) or did not succeed
      const std::string stopped = stopped_reason();
      skip(i, stopped.empty() ? "not assigned: the import of " + a.phone_number + " did not succeed"
                              : "not sent: " + stopped);
      return;
    }
    const std::string key = new_idempotency_key();
    const std::optional<std::int64_t> entry = intent(i, key);
    if (!entry) return;
    std::optional<Places::Held> place = place_for(i, *entry);
    if (!place) return;
    Result<Unit> r = api_.assign_agent(id, a.agent_id, key);
    place->release();
    if (r.ok()) {
      succeed(i, *entry, id, "");
    } else {
      fail(i, *entry, r.error().maybe_committed ? Outcome::Unknown : Outcome::Failed,
           r.error().message);
    }
  }

  // Sends a campaign's requests in order, each recorded in the ledger before it goes; the
  // first that is not clearly sent stops the campaign (docs/DESIGN.md §6).
  void submit_batch(std::size_t i) {
    const Action& a = plan_.actions[i];
    const std::string from_id = id_of(a);
    if (from_id.empty() || !a.campaign) {
      skip(i, "not sent: its from number " + a.phone_number + " is not in XUNA");
      return;
    }
    const std::optional<std::int64_t> maybe_entry = intent(i, "");
    if (!maybe_entry) return;
    const std::int64_t entry = *maybe_entry;
    const BatchCampaign& b = *a.campaign;
    const std::vector<CallKey> keys = call_keys(b);
    std::vector<std::string> ids, notes;
    long long initiated = 0;
    for (std::size_t j = 0; j < a.requests.size(); ++j) {
      const CampaignRequest& rq = a.requests[j];
      BatchRequest req{a.agent_id, from_id, {}};
      std::vector<CallIntent> calls;
      for (std::size_t c : rq.calls) {
        req.calls.push_back({b.calls[c].to, b.calls[c].override});
        calls.push_back({keys[c], call_digest(b, b.calls[c])});
      }
      const std::string key =
          rq.key.empty() ? campaign_request_key(options_.target_salt, a.batch_name, calls, rq.prior)
                         : rq.key;
      const std::string which = "request " + std::to_string(j + 1) + " of " +
                                std::to_string(a.requests.size());
      std::string refused;
      try {  // durable before the request; refused when the lock is no longer ours
        if (options_.stop && options_.stop->load()) throw std::runtime_error("interrupted by a signal");
        if (past_deadline()) throw std::runtime_error(kDeadline);
        journal_.campaign_intent(a.batch_name, a.digest, calls, key);
      } catch (const std::exception& e) {
        refused = e.what();
      }
      if (!refused.empty()) {
        stop_sending(refused);
        fail(i, entry, ids.empty() ? Outcome::Skipped : Outcome::Failed, which + " not sent: " + refused);
        return;
      }
      Result<BatchResult> r = api_.submit_batch(req, key);
      if (!r.ok()) {
        const ApiError& e = r.error();
        // Only a clear refusal is known not to have dialled anyone; anything else may have.
        const bool refused_clearly = !e.maybe_committed && e.status >= 400 && e.status <= 499 &&
                                     e.status != 408 && e.status != 409;
        const CallStatus status = refused_clearly ? CallStatus::Failed : CallStatus::Unknown;
        journal_after([&] { journal_.campaign_outcome(a.batch_name, key, status, "", e.message); });
        std::string why = which + " (" + std::to_string(req.calls.size()) + " calls): " + e.message;
        if (!refused_clearly)
          why += "; outcome unknown, not resent automatically (apply --resubmit " + a.batch_name + ")";
        fail(i, entry, refused_clearly ? Outcome::Failed : Outcome::Unknown, why);
        return;
      }
      const BatchResult& got = r.value();
      const long long sent = static_cast<long long>(req.calls.size());
      std::string note;
      if (got.calls_initiated < 0) {
        note = "the answer did not say how many calls were initiated";
      } else if (got.calls_initiated < sent) {
        note = "only " + std::to_string(got.calls_initiated) + " of " + std::to_string(sent) +
               " calls initiated (the API does not say which; all are recorded as dialled)";
      } else if (got.calls_initiated > sent) {
        note = std::to_string(got.calls_initiated) + " calls initiated for " + std::to_string(sent) +
               " sent: not believed";
      }
      if (!note.empty()) {
        log_warn("batch " + a.batch_name + ", " + which + ": " + note);
        notes.push_back(note);
      }
      journal_after([&] { journal_.campaign_outcome(a.batch_name, key, CallStatus::Sent, got.batch_id, note); });
      ids.push_back(got.batch_id);
      initiated += std::clamp(got.calls_initiated, 0LL, sent);
    }
    std::string note = std::to_string(initiated) + (initiated == 1 ? " call" : " calls") + " initiated";
    for (const auto& n : notes) note += "; " + n;
    if (a.suppressed) note += ", " + std::to_string(a.suppressed) + " suppressed (do not call)";
    journal_after([&] { journal_.outcome(entry, Outcome::Ok, "", ""); });
    results_[i].outcome = Outcome::Ok;
    results_[i].batch_ids = ids;
    results_[i].calls_initiated = initiated;
    results_[i].note = note;
    finished(i, Outcome::Ok);
  }

  void succeed(std::size_t i, std::int64_t entry, const std::string& id, const std::string& note) {
    journal_after([&] {
      journal_.outcome(entry, Outcome::Ok, "", id);
      journal_.managed(plan_.actions[i].phone_number, id);
    });
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (plan_.actions[i].kind == ActionKind::Import) imported_[plan_.actions[i].phone_number] = id;
    }
    results_[i].outcome = Outcome::Ok;
    results_[i].phone_number_id = id;
    results_[i].note = note;
    finished(i, Outcome::Ok);
  }

  void fail(std::size_t i, std::int64_t entry, Outcome outcome, const std::string& error) {
    journal_after([&] { journal_.outcome(entry, outcome, error, ""); });
    results_[i].outcome = outcome;
    results_[i].error = error;
    finished(i, outcome);
  }

  // Action i ended (its result is written): the result gets its action, progress counts it.
  void finished(std::size_t i, Outcome outcome) {
    results_[i].action = plan_.actions[i];
    described_[i] = 1;
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
  Places places_;  // the imports' and assigns' requests in flight
  ApplyReport report_;
  ActionResult* results_ = nullptr;
  std::vector<char> described_;  // results_[i].action is written (each by the worker of i)
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> imported_;  // number -> id, from this run
  std::string stopped_;               // under mutex_
  bool stopped_for_assigns_ = false;  // under mutex_: stopped_ is the assigns' check's
  std::atomic<bool> interrupted_{false};
  std::mutex progress_mutex_;
  std::size_t done_ = 0, failed_ = 0, total_ = 0;
};

}  // namespace

std::string campaign_request_key(const std::string& salt, const std::string& campaign,
                                 std::vector<CallIntent> calls, const std::string& prior) {
  std::sort(calls.begin(), calls.end(),
            [](const CallIntent& x, const CallIntent& y) { return x.key < y.key; });
  std::string text = salt + "\n" + campaign + "\n" + prior + "\n";
  for (const auto& c : calls)
    text += c.key.recipient + "#" + std::to_string(c.key.occurrence) + ":" + c.digest + "\n";
  return "xs-calls-" + sha256_hex(text).substr(0, 32);
}

ApplyReport apply_plan(const Plan& plan, XunaApi& api, Journal& journal,
                       const std::map<std::string, TwilioCredentials>& credentials,
                       const ApplyOptions& options) {
  return Run(plan, api, journal, credentials, options).execute();
}

}  // namespace xs

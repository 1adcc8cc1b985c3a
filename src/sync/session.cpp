#include "sync/session.h"

#include <future>
#include <map>
#include <optional>
#include <set>

#include "sync/errors.h"
#include "sync/ledger.h"
#include "sync/prefetch.h"
#include "sync/store_journal.h"
#include "util/log.h"
#include "util/parallel.h"

namespace xs::sync {
namespace {

// The run's record: finished with its outcome once, or as Failed when an error ends it.
class RunRecord {
 public:
  RunRecord(state::Store& store, std::int64_t run, Clock& clock)
      : store_(store), run_(run), clock_(clock) {}
  ~RunRecord() {
    if (!finished_) finish(RunOutcome::Failed);
  }
  void finish(RunOutcome outcome) {
    finished_ = true;
    try {
      store_.finish_run(run_, outcome, clock_.now_iso());
    } catch (const std::exception& e) {
      log_warn(std::string("could not record the end of the run: ") + e.what());
    }
  }

 private:
  state::Store& store_;
  std::int64_t run_;
  Clock& clock_;
  bool finished_ = false;
};

}  // namespace

void remember_managed(state::Store& store, std::int64_t target, const Planned& p,
                      const ApplyReport& report, Clock& clock, bool journaled) {
  std::map<std::string, std::string> ids;
  for (const auto& n : p.live) ids[n.phone_number] = n.phone_number_id;
  std::set<std::string> marked;  // by the journal, with the success that named the id
  for (const auto& r : report.results)
    if (r.outcome == Outcome::Ok && !r.phone_number_id.empty()) {
      ids[r.action.phone_number] = r.phone_number_id;
      if (journaled) marked.insert(r.action.phone_number);
    }
  std::vector<state::ManagedNumber> managed;
  for (const auto& n : p.desired.numbers) {
    auto it = ids.find(n.phone_number);
    if (it != ids.end() && !marked.count(n.phone_number))
      managed.push_back({n.phone_number, it->second, "", ""});
  }
  if (!managed.empty()) store.mark_managed_many(target, managed, clock.now_iso());
}

Planned plan_only(state::Store* store, XunaApi& xuna, TwilioSource& twilio, Clock& clock,
                  const Target& target, Desired desired, const GatherOptions& options) {
  StateView view;
  if (store) {
    if (auto id = store->find_target(target.api_url, target.key_fingerprint)) {
      view = store->view(*id);
      upgrade_chunk_records(*store, *id, desired, view, false, clock);  // read only: in memory
    }
  }
  return gather(std::move(desired), xuna, twilio, view, target, options, clock);
}

ApplyResult ApplySession::run(ApplyRequest request, const ApplyHooks& hooks) {
  ApplyResult result;
  const std::int64_t target = store_.target(target_.api_url, target_.key_fingerprint);
  std::optional<RunLock> held;
  try {
    held.emplace(store_, target, identity_, clock_);
  } catch (const SyncError&) {
    if (request.mapping_checked) request.mapping_checked();  // its errors first (exit 3, not 4)
    throw;
  }
  RunLock& lock = *held;
  // Whether the state knew this target before this run: the run begun below is no history
  // (the campaign guard of a state with no record depends on it).
  const bool had_history = !store_.runs(target, 1).empty();
  StateView view = store_.view(target);
  // Holding the lock, the run asks Twilio at once what the accounts own (the longest list,
  // ~34 ms of the bench's emulator for 1,000 numbers); the mapping's numbers are checked, and
  // the run recorded, while it travels. A mapping with errors ends the run here, with nothing
  // recorded and nothing sent but that read, given up after its page (one attempt, no
  // retries). XUNA is listed once the mapping is known good: its list retries, for up to a
  // minute when XUNA is down, which a mapping's errors do not wait for.
  OwnershipPrefetch prefetch(twilio_, request.desired, view,
                             request.gather.early_list_without_history);
  if (request.mapping_checked) request.mapping_checked();
  const std::int64_t run = store_.begin_run(target, "apply", clock_.now_iso());
  RunRecord record(store_, run, clock_);
  if (settle_interrupted_runs(store_, target, run, clock_)) view = store_.view(target);
  view.has_history = view.has_history && had_history;
  upgrade_chunk_records(store_, target, request.desired, view, true, clock_);

  result.planned = gather(std::move(request.desired), xuna_, twilio_, view, target_,
                          request.gather, clock_, &prefetch);
  Planned& p = result.planned;
  if (request.saved) {
    Plan to_apply;
    std::string why = check_saved(request.saved->path, request.saved->header,
                                  request.saved->plan, p.header, p.plan, to_apply);
    if (!why.empty()) {
      record.finish(RunOutcome::Refused);
      throw SyncError(Stop::Refused, why);
    }
    to_apply.errors = std::move(p.plan.errors);
    to_apply.warnings = std::move(p.plan.warnings);
    to_apply.summary.unknown_batches = p.plan.summary.unknown_batches;
    to_apply.summary.unselected = p.plan.summary.unselected;  // the saved --only/--exclude
    to_apply.fallbacks = std::move(p.plan.fallbacks);  // due by the clock: as planned now
    to_apply.probation = std::move(p.plan.probation);
    p.plan = std::move(to_apply);
  }
  if (hooks.planned) hooks.planned(p);
  if (auto refused = check_guards(p.plan, p.live, request.guards)) {
    record.finish(RunOutcome::Refused);
    throw SyncError(Stop::Refused, "refused: " + *refused + "; nothing was done");
  }
  if (!p.plan.has_changes() && p.plan.errors.empty()) {
    lock.check("recording the campaign ledger");
    record_ledger_marks(store_, target, run, p.plan, clock_);
    remember_managed(store_, target, p, {}, clock_);
    result.outcome = p.plan.summary.unknown_batches ? RunOutcome::Failed : RunOutcome::Ok;
    record.finish(result.outcome);
    return result;
  }
  if (hooks.approve && !hooks.approve(p)) {
    result.cancelled = true;
    result.outcome = RunOutcome::Cancelled;
    record.finish(result.outcome);
    return result;
  }
  lock.check("sending anything");
  record_ledger_marks(store_, target, run, p.plan, clock_);  // approved: nothing before
  std::map<std::string, std::string> account_sids;
  for (const auto& [name, c] : p.credentials) account_sids[name] = c.account_sid;
  std::future<std::vector<RoutingCheck>> routing_check;
  {
    StoreJournal journal(store_, target, run, clock_, lock.token(), account_sids);
    journal.expect_intents(p.plan.actions.size());  // an intent each, before its request
    ApplyOptions options;
    options.parallelism = request.parallelism;
    options.target_salt = target_.api_url + "\n" + target_.key_fingerprint;
    options.progress = hooks.progress;
    options.stop = request.stop;
    if (request.deadline_at > 0) {
      Clock& clock = clock_;
      const double at = request.deadline_at;
      options.deadline_passed = [&clock, at] { return clock.monotonic() >= at; };
    }
    options.before_phase = [&lock](const std::string& phase) {
      try {
        lock.check(phase);
        return std::string();
      } catch (const SyncError& e) {
        return std::string(e.what());
      }
    };
    // The cut-over check reads Twilio beside the assigns, which do not touch its routing.
    options.after_imports = [&](const std::vector<ActionResult>& imports) {
      ApplyReport imported;
      imported.results = imports;
      auto check = [&, imported = std::move(imported)] {
        return check_cutover(p, imported, twilio_.api(), store_, target, run,
                             request.xuna_origin, clock_);
      };
      routing_check = beside(std::move(check));  // no thread to be had: after the assigns
    };
    result.report = apply_plan(p.plan, xuna_, journal, p.credentials, options);
    try {
      journal.flush();  // the buffered outcomes: a run whose journal failed did not succeed
    } catch (const std::exception& e) {
      if (result.report.stopped.empty())
        result.report.stopped = std::string("the state could not be written (") + e.what() + ")";
    }
  }
  // Started after the imports: its findings stand even when the assigns were stopped.
  if (routing_check.valid()) result.routing = routing_check.get();
  if (!result.report.interrupted && result.report.stopped.empty()) {
    if (!p.plan.fallbacks.empty() && !(request.stop && request.stop->load())) {
      lock.check("changing probation fallbacks");
      result.fallbacks = settle_fallbacks(p, result.routing, twilio_, store_, target, run,
                                          request.xuna_origin, clock_);
    }
  }
  try {
    // A journal written without a failure (nothing stopped the run) marked what succeeded
    // already: marking those 1,000 numbers again took 4 ms after the last answer (issue 23).
    remember_managed(store_, target, p, result.report, clock_, result.report.stopped.empty());
  } catch (const std::exception& e) {
    log_warn(std::string("could not record the managed numbers: ") + e.what());
  }
  bool routed = true;
  for (const auto& c : result.routing) routed = routed && c.ok;
  for (const auto& f : result.fallbacks)
    routed = routed && (f.outcome == Outcome::Ok || f.outcome == Outcome::Skipped);
  result.outcome = result.report.interrupted ? RunOutcome::Interrupted
                   : result.report.success() && routed && !p.plan.summary.unknown_batches
                       ? RunOutcome::Ok
                       : RunOutcome::Failed;
  record.finish(result.outcome);
  return result;
}

}  // namespace xs::sync

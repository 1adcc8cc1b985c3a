#pragma once
// Runs a Plan through a XunaApi with bounded concurrency, journaling every action.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/ledger.h"
#include "model/vocabulary.h"
#include "plan/plan.h"
#include "util/secret.h"
#include "xuna/api.h"

namespace xs {

// What apply records. The real one writes the state (sync/store_journal.h); tests use a fake.
// Called from several threads at once. Any method may throw (a full disk, a lost lock): apply
// then sends nothing more, and what it had sent is settled by the next run.
class Journal {
 public:
  virtual ~Journal() = default;
  // Durable before the request is sent; returns the journal entry's id.
  virtual std::int64_t intent(const Action& action, const std::string& idempotency_key) = 0;
  virtual void outcome(std::int64_t entry, Outcome outcome, const std::string& error,
                       const std::string& phone_number_id) = 0;
  // This number is in XUNA under this id and managed by the tool.
  virtual void managed(const std::string& phone_number, const std::string& phone_number_id) = 0;
  // A campaign request is about to be sent: its recipients recorded Unknown under its key,
  // durable before the request. Throws (the request is not sent) when one of them is already
  // recorded as dialled, or unknown under another request, or the lock is gone.
  virtual void campaign_intent(const std::string& name, const std::string& campaign_digest,
                               const std::vector<CallIntent>& calls, const std::string& key) = 0;
  // What became of it: Sent | Unknown | Failed (note: why, for the ledger).
  virtual void campaign_outcome(const std::string& name, const std::string& key, CallStatus status,
                                const std::string& batch_id, const std::string& note) = 0;
};

struct TwilioCredentials {
  std::string account_sid;
  Secret auth_token;
};

struct ActionResult;

struct ApplyOptions {
  std::size_t parallelism = 8;
  // Names the target (API URL and key fingerprint) in campaign requests' idempotency keys.
  std::string target_salt;
  // Called after each action completes (from worker threads, serialised).
  std::function<void(std::size_t done, std::size_t total, std::size_t failed)> progress;
  // Rounds of settling unclear imports (re-list, adopt, resend with the same key) in one run.
  int settle_rounds = 4;
  // Set (by a signal handler) to stop sending: requests in flight finish, the rest are skipped.
  const std::atomic<bool>* stop = nullptr;
  // True once the run's deadline has passed (--deadline): no request starts after it, those
  // in flight finish, the rest are skipped and the report says why.
  std::function<bool()> deadline_passed;
  // Asked before the assign and campaign phases: a reason not to start it (the run's lock is
  // gone), or empty. A reason stops sending as a state failure does.
  std::function<std::string(const std::string& phase)> before_phase;
  // Called once the imports are done, none stopped (no signal, deadline or state failure),
  // with their results, before the assigns start: what only needs the imports (the cut-over
  // check) can go on beside the assigns.
  std::function<void(const std::vector<ActionResult>& imports)> after_imports;
};

struct ActionResult {
  Action action;
  Outcome outcome = Outcome::Ok;
  std::string error;            // Failed/Skipped/Unknown: why
  std::string phone_number_id;  // import/assign: the number's id when known
  std::string note;             // e.g. "adopted the number already in XUNA"
  std::vector<std::string> batch_ids;  // batch: one per request sent
  long long calls_initiated = 0;       // batch: as XUNA counted them
};

struct ApplyReport {
  std::vector<ActionResult> results;  // in plan order; plan errors come first, as Failed
  int ok = 0, failed = 0, skipped = 0, unknown = 0;
  std::string stopped;  // why sending stopped early (the state failed, a signal), or empty
  bool interrupted = false;  // stopped by ApplyOptions::stop
  bool success() const {
    return failed == 0 && skipped == 0 && unknown == 0 && stopped.empty();
  }
};

// The Idempotency-Key of a new campaign request: from the target (salt), the campaign, its
// calls (recipient and content, in any order) and the keys of refused earlier requests of
// them (prior), so the same request gets the same key and a corrected one a new key.
std::string campaign_request_key(const std::string& salt, const std::string& campaign,
                                 std::vector<CallIntent> calls, const std::string& prior);

// Imports, then assigns, then batches, at most options.parallelism requests in flight. One
// action's failure does not stop the others; a journal that cannot be written, a lost lock or
// options.stop stops every send not yet started (skipped). An import whose outcome is unclear
// (409, or no clean answer) is settled in rounds of one re-list each: adopted if the number is
// there, sent again (same idempotency key) only if it is not. credentials: Twilio account name
// -> credentials.
ApplyReport apply_plan(const Plan& plan, XunaApi& api, Journal& journal,
                       const std::map<std::string, TwilioCredentials>& credentials,
                       const ApplyOptions& options);

}  // namespace xs

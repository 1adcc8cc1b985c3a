#pragma once
// The state: the tool's memory and journal (docs/DESIGN.md §5). SQLite and libpqxx types stay in state/.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "model/ledger.h"
#include "model/routing.h"
#include "model/state_view.h"
#include "model/vocabulary.h"

namespace xs::state {

struct StateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunRecord {
  std::int64_t id = 0;
  std::string api_url;
  std::string command;
  std::string started_at;   // ISO-8601 UTC, as given by the caller's clock
  std::string finished_at;  // empty while running (or if the run was killed)
  RunOutcome outcome = RunOutcome::Running;
};

// The routing a number had before the tool imported it into XUNA (docs/DESIGN.md §9), and what was
// seen after. URLs may hold passwords: kept (a rollback restores them), never printed.
struct RoutingSnapshot {
  std::string phone_number;
  std::string twilio_account;   // name in the mapping
  std::string account_sid;      // AC...: the account that owned it
  TwilioRouting before;         // before.sid is the number's PN... sid
  std::optional<TwilioRouting> after;  // seen routing to XUNA after the cut-over (or an undo)
  bool rolled_back = false;     // the last rollback restored `before`, and no undo since
  std::string taken_at, after_at, rolled_back_at;
  ProbationFallback fallback;   // the old webhook as Twilio's voice fallback after the cut-over
};

// An action's outcome, as record_outcome takes it.
struct OutcomeRecord {
  std::int64_t action = 0;
  Outcome outcome = Outcome::Failed;
  std::string error, phone_number_id, at;
};

struct ActionIntent {
  ActionKind kind = ActionKind::Import;
  std::string phone_number;   // or the batch name for batches
  std::string detail;         // human text, never a secret: "agent_x -> agent_y"
  std::string idempotency_key;
  // Written in the same transaction as the intent: the routing before an import. An existing
  // snapshot of the number is replaced only when replace_snapshot is true.
  std::optional<RoutingSnapshot> snapshot;
  bool replace_snapshot = false;
};

struct ActionRecord {
  std::int64_t id = 0;
  std::int64_t run_id = 0;
  ActionKind kind = ActionKind::Import;
  std::string phone_number, detail, idempotency_key;
  Outcome outcome = Outcome::Pending;  // Pending: intent written, no outcome
  std::string error;
  std::string phone_number_id;
  std::string started_at, finished_at;
};

struct ManagedNumber {
  std::string phone_number;
  std::string phone_number_id;  // empty if not known
  std::string first_seen, last_applied;
};

// One chunk of a campaign as states before the ledger kept it (schema 3 and older): read when
// a campaign is upgraded into the ledger, and by state copy.
struct BatchChunkRecord {
  std::string name;
  int chunk = 0;
  std::string digest;           // content digest of this chunk
  BatchStatus status = BatchStatus::Pending;
  std::string batch_id;         // empty until sent
  long long calls_initiated = 0;
  std::string idempotency_key;
  std::string created_at, updated_at;
};

// One recipient's entry in a campaign's ledger (docs/DESIGN.md §6).
struct CallRecord {
  std::string campaign;
  CallKey key;
  CallStatus status = CallStatus::Unknown;
  std::string request_key;      // Idempotency-Key of the request that carried it, or ""
  std::int64_t run = 0;         // the run that wrote it last (0: none)
  std::string batch_id;         // sent: XUNA's batch id
  std::string digest;           // call_digest of what it went with ("" when not known)
  std::string campaign_digest;  // batch_digest of the campaign then
  std::string note;             // why: a refusal's message, where an upgraded entry came from
  std::string updated_at;
};

struct TargetRecord {
  std::int64_t id = 0;
  std::string api_url;
  std::string key_fingerprint;
  int managed_numbers = 0;
  int runs = 0;
};

struct LockHolder {
  int pid = 0;
  std::string host;
  std::string since;
};

struct LockResult {
  enum class Kind { Acquired, TakenOver, Held } kind = Kind::Acquired;
  LockHolder holder;  // Held: who holds it; TakenOver: whose stale lock was taken
  std::string token;  // Acquired/TakenOver: this holder's own token, for the checks below
};

// The run no longer holds the lock it took (forced away, or the connection that held it is
// gone): stop sending.
// A --state value refused as written (a password in a URI): invalid input, exit 3.
struct InvalidLocation : StateError {
  using StateError::StateError;
};

struct LockLost : StateError {
  using StateError::StateError;
};

enum class OpenMode { ReadWrite, ReadOnly };

// Every row of a state but its locks, ids kept (state copy).
struct StateDump {
  struct Run {
    std::int64_t target_id = 0;
    RunRecord run;  // api_url unused
    int pid = 0;
    std::string host;
  };
  std::vector<TargetRecord> targets;  // counts unused
  std::vector<Run> runs;
  std::vector<ActionRecord> actions;
  std::vector<std::pair<std::int64_t, ManagedNumber>> managed;      // by target id
  std::vector<std::pair<std::int64_t, BatchChunkRecord>> batches;   // by target id
  std::vector<std::pair<std::int64_t, RoutingSnapshot>> snapshots;  // by target id
  std::vector<std::pair<std::int64_t, CallRecord>> calls;           // by target id
};

// The state: the tool's memory and journal (docs/DESIGN.md §5), behind one interface with two
// backends, SQLite (a path) and PostgreSQL (a libpq URI). Never a secret in here: a target is
// named by its API URL and a fingerprint of the key that the caller computes.
// Safe to share between threads of one process; several processes may use the same state.
// Every method throws StateError (clear message: where and why, never a password) on failure.
class Store {
 public:
  virtual ~Store() = default;

  // Where the state is, for messages: the path, or the URI without credentials.
  virtual std::string where() const = 0;

  // The target row for (api_url, key_fingerprint), created on first use.
  virtual std::int64_t target(const std::string& api_url, const std::string& key_fingerprint) = 0;
  // The same, without creating it (read-only use): nullopt when the state has never seen it.
  virtual std::optional<std::int64_t> find_target(const std::string& api_url,
                                                  const std::string& key_fingerprint) = 0;
  // What the planner needs: numbers once managed here, batches recorded here, and whether the
  // state has any record of this target at all (a run or a journal entry).
  virtual StateView view(std::int64_t target) = 0;

  // A new run with outcome Running, stamped with this process's pid and host name.
  virtual std::int64_t begin_run(std::int64_t target, const std::string& command,
                                 const std::string& now) = 0;
  virtual void finish_run(std::int64_t run, RunOutcome outcome, const std::string& now) = 0;

  // Journal: the intent (and its snapshot) is durable before this returns.
  virtual std::int64_t record_intent(std::int64_t run, const ActionIntent& intent,
                                     const std::string& now) = 0;
  // Many intents in one transaction, all or none, durable when it returns; their ids in order
  // (apply's intents, committed together when several workers wait for the state at once).
  virtual std::vector<std::int64_t> record_intents(std::int64_t run,
                                                   const std::vector<ActionIntent>& intents,
                                                   const std::string& now) {
    std::vector<std::int64_t> ids;
    for (const auto& i : intents) ids.push_back(record_intent(run, i, now));
    return ids;
  }
  // Writes an action's outcome (anything but Pending); StateError for an unknown action.
  virtual void record_outcome(std::int64_t action, Outcome outcome, const std::string& error,
                              const std::string& phone_number_id, const std::string& now) = 0;
  // Many outcomes in one transaction, all or none (apply's outcomes, written in batches).
  virtual void record_outcomes(const std::vector<OutcomeRecord>& outcomes) {
    for (const auto& o : outcomes) record_outcome(o.action, o.outcome, o.error, o.phone_number_id, o.at);
  }
  // Actions of this target whose outcome was never written (a killed run), oldest first.
  virtual std::vector<ActionRecord> unfinished_actions(std::int64_t target) = 0;

  // Many managed numbers in one transaction (an empty id keeps the one already known).
  virtual void mark_managed_many(std::int64_t target, const std::vector<ManagedNumber>& numbers,
                                 const std::string& now) = 0;
  virtual std::vector<ManagedNumber> managed_numbers(std::int64_t target) = 0;

  // The campaign ledger (docs/DESIGN.md §6). A request's recipients are recorded Unknown
  // under its key before it is sent, in one transaction with the lock check (when lock_token
  // is not empty; LockLost otherwise). Refused (StateError, nothing written) when one of them
  // is already Sent, or Unknown under another request: the state never lets a recipient be
  // dialled twice. Unknown under the same key (--resubmit) or under none is written again.
  virtual void record_call_intent(std::int64_t target, std::int64_t run, const std::string& campaign,
                                  const std::string& campaign_digest,
                                  const std::vector<CallIntent>& calls,
                                  const std::string& request_key, const std::string& now,
                                  const std::string& lock_token) = 0;
  // What became of the request: Sent | Unknown | Failed, for its recipients still Unknown
  // under that key. StateError when there are none.
  virtual void record_call_outcome(std::int64_t target, const std::string& campaign,
                                   const std::string& request_key, CallStatus status,
                                   const std::string& batch_id, const std::string& note,
                                   const std::string& now) = 0;
  // Entries of one campaign written as given, except over a Sent or Unknown one (kept).
  virtual void record_calls(std::int64_t target, const std::string& campaign,
                            const std::vector<CallRecord>& records, const std::string& now) = 0;
  // A campaign's chunk records (before the ledger) replaced by these entries, in one
  // transaction; an entry the ledger already has is kept.
  virtual void upgrade_campaign(std::int64_t target, const std::string& campaign,
                                const std::vector<CallRecord>& records, const std::string& now) = 0;
  // The ledger of one campaign ("" = every campaign), by campaign then recipient.
  virtual std::vector<CallRecord> campaign_calls(std::int64_t target, const std::string& campaign) = 0;
  // A campaign's chunk records from before the ledger, by chunk.
  virtual std::vector<BatchChunkRecord> batch_chunks(std::int64_t target,
                                                     const std::string& name) = 0;

  // Routing snapshots (docs/DESIGN.md §9), by phone number.
  virtual std::vector<RoutingSnapshot> snapshots(std::int64_t target) = 0;
  // The routing seen routing to XUNA after a cut-over (or an undo): sets after, clears
  // rolled_back. StateError when the number has no snapshot.
  virtual void record_routing_after(std::int64_t target, const std::string& phone_number,
                                    const TwilioRouting& after, const std::string& now) = 0;
  // The same for many numbers (a cut-over check), all or none: one transaction. StateError,
  // and nothing written, when one of them has no snapshot.
  virtual void record_routings_after(
      std::int64_t target, const std::vector<std::pair<std::string, TwilioRouting>>& after,
      const std::string& now) {
    for (const auto& [number, routing] : after) record_routing_after(target, number, routing, now);
  }
  // The number's probation fallback (issue 22), written whole. StateError when the number has
  // no snapshot.
  virtual void record_fallback(std::int64_t target, const std::string& phone_number,
                               const ProbationFallback& fallback) = 0;
  // A rollback restored the snapshot (true) or an undo re-pointed it at XUNA (false).
  virtual void mark_rolled_back(std::int64_t target, const std::string& phone_number,
                                bool rolled_back, const std::string& now) = 0;

  virtual std::vector<TargetRecord> targets() = 0;
  // Newest first. target 0 = every target; limit <= 0 = no limit.
  virtual std::vector<RunRecord> runs(std::int64_t target, int limit) = 0;
  // The actions of one run, in the order they were recorded.
  virtual std::vector<ActionRecord> actions_of(std::int64_t run) = 0;

  // One apply (or rollback) at a time per target. A lock whose holder is on this host and not
  // alive (per pid_alive) is taken over (SQLite; PostgreSQL's server drops a dead holder's
  // advisory lock itself); one already held by (pid, host) is Acquired again.
  virtual LockResult acquire_lock(std::int64_t target, int pid, const std::string& host,
                                  const std::string& now,
                                  const std::function<bool(int)>& pid_alive) = 0;
  // LockLost unless token still holds the target's lock.
  virtual void check_lock(std::int64_t target, const std::string& token) = 0;
  // Releases the lock only if token holds it.
  virtual void release_lock(std::int64_t target, const std::string& token) = 0;
  // Who holds the target's lock (target 0: any target's), if anyone.
  virtual std::optional<LockHolder> lock_holder(std::int64_t target) = 0;
  // Removes the lock record whoever holds it (`state unlock --force`); the caller has already
  // refused when the holder is a live process on this host.
  virtual void force_unlock(std::int64_t target) = 0;

  virtual int schema_version() = 0;

  // A hint that a run's journal is nearly written (its last intent is): the store may do now,
  // beside the run's last requests, what its close would do after them. Nothing to fail.
  virtual void writes_ending() {}

  // Every row but the locks, read in one transaction.
  virtual StateDump dump() = 0;
  // Writes dump in one transaction, ids kept. StateError when this state has any target, run
  // or action unless replace (then everything here is deleted first, locks included).
  virtual void load(const StateDump& dump, bool replace) = 0;
};

// Opens the state at location: a libpq URI (postgresql:// or postgres://) is PostgreSQL,
// anything else a SQLite path (created mode 0600 with its folder). ReadWrite creates and
// migrates; ReadOnly never writes (a missing or older state reads as empty / as it is). A
// state newer than this binary, a password inside the URI, an unreachable database: StateError.
std::unique_ptr<Store> open_store(const std::string& location, OpenMode mode = OpenMode::ReadWrite);

// The location for messages: a URI without its credentials, a path as it is.
std::string display_location(const std::string& location);

// Copies every table of from into to (state copy). StateError when to is not empty unless
// force (then to is emptied first), or when the counts read back differ.
struct CopyCounts {
  std::int64_t targets = 0, runs = 0, actions = 0, managed = 0, batches = 0, snapshots = 0,
               calls = 0;
};
CopyCounts copy_state(Store& from, Store& to, bool force);

}  // namespace xs::state

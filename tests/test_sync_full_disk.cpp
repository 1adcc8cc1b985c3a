// A state that stops taking writes mid-apply (a full disk): the session ends cleanly, and no
// request goes out whose intent was not journaled (issue 13 point 4).
#include <atomic>

#include <catch2/catch.hpp>

#include "sync/errors.h"
#include "sync_world.h"

using namespace xs;
using namespace xs::test;

namespace {

// The real state, but every journal write after the first `intents` intents throws, as
// SQLite does when the disk is full.
class FullDiskStore final : public state::Store {
 public:
  FullDiskStore(state::Store& real, int intents, int outcomes = 1 << 30)
      : s_(real), left_(intents), outcomes_left_(outcomes) {}
  int refused = 0;

  std::int64_t record_intent(std::int64_t run, const state::ActionIntent& i,
                             const std::string& now) override {
    if (left_-- <= 0) {
      ++refused;
      throw state::StateError("state.db: database or disk is full");
    }
    return s_.record_intent(run, i, now);
  }
  std::vector<std::int64_t> record_intents(std::int64_t run,
                                           const std::vector<state::ActionIntent>& intents,
                                           const std::string& now) override {
    if (left_ < static_cast<int>(intents.size())) {  // one transaction: none of them
      left_ = 0;
      ++refused;
      throw state::StateError("state.db: database or disk is full");
    }
    left_ -= static_cast<int>(intents.size());
    return s_.record_intents(run, intents, now);
  }
  void record_call_intent(std::int64_t t, std::int64_t run, const std::string& name,
                          const std::string& digest, const std::vector<CallIntent>& calls,
                          const std::string& key, const std::string& now,
                          const std::string& token) override {
    if (left_ <= 0) {
      ++refused;
      throw state::StateError("state.db: database or disk is full");
    }
    s_.record_call_intent(t, run, name, digest, calls, key, now, token);
  }

  std::string where() const override { return s_.where(); }
  std::int64_t target(const std::string& u, const std::string& k) override {
    return s_.target(u, k);
  }
  std::optional<std::int64_t> find_target(const std::string& u, const std::string& k) override {
    return s_.find_target(u, k);
  }
  StateView view(std::int64_t t) override { return s_.view(t); }
  std::int64_t begin_run(std::int64_t t, const std::string& c, const std::string& n) override {
    return s_.begin_run(t, c, n);
  }
  void finish_run(std::int64_t r, RunOutcome o, const std::string& n) override {
    s_.finish_run(r, o, n);
  }
  void record_outcome(std::int64_t a, Outcome o, const std::string& e, const std::string& id,
                      const std::string& n) override {
    if (outcomes_left_-- <= 0) throw state::StateError("state.db: database or disk is full");
    s_.record_outcome(a, o, e, id, n);
  }
  std::vector<state::ActionRecord> unfinished_actions(std::int64_t t) override {
    return s_.unfinished_actions(t);
  }
  void mark_managed_many(std::int64_t t, const std::vector<state::ManagedNumber>& m,
                         const std::string& n) override {
    s_.mark_managed_many(t, m, n);
  }
  std::vector<state::ManagedNumber> managed_numbers(std::int64_t t) override {
    return s_.managed_numbers(t);
  }
  void record_call_outcome(std::int64_t t, const std::string& name, const std::string& key,
                           CallStatus st, const std::string& id, const std::string& note,
                           const std::string& n) override {
    s_.record_call_outcome(t, name, key, st, id, note, n);
  }
  void record_calls(std::int64_t t, const std::string& name,
                    const std::vector<state::CallRecord>& r, const std::string& n) override {
    s_.record_calls(t, name, r, n);
  }
  void upgrade_campaign(std::int64_t t, const std::string& name,
                        const std::vector<state::CallRecord>& r, const std::string& n) override {
    s_.upgrade_campaign(t, name, r, n);
  }
  std::vector<state::CallRecord> campaign_calls(std::int64_t t, const std::string& name) override {
    return s_.campaign_calls(t, name);
  }
  std::vector<state::BatchChunkRecord> batch_chunks(std::int64_t t,
                                                    const std::string& name) override {
    return s_.batch_chunks(t, name);
  }
  std::vector<state::RoutingSnapshot> snapshots(std::int64_t t) override { return s_.snapshots(t); }
  void record_routing_after(std::int64_t t, const std::string& p, const TwilioRouting& r,
                            const std::string& n) override {
    s_.record_routing_after(t, p, r, n);
  }
  void record_fallback(std::int64_t t, const std::string& p,
                       const ProbationFallback& f) override {
    s_.record_fallback(t, p, f);
  }
  void mark_rolled_back(std::int64_t t, const std::string& p, bool b,
                        const std::string& n) override {
    s_.mark_rolled_back(t, p, b, n);
  }
  std::vector<state::TargetRecord> targets() override { return s_.targets(); }
  std::vector<state::RunRecord> runs(std::int64_t t, int l) override { return s_.runs(t, l); }
  std::vector<state::ActionRecord> actions_of(std::int64_t r) override { return s_.actions_of(r); }
  state::LockResult acquire_lock(std::int64_t t, int pid, const std::string& h,
                                 const std::string& n,
                                 const std::function<bool(int)>& alive) override {
    return s_.acquire_lock(t, pid, h, n, alive);
  }
  void check_lock(std::int64_t t, const std::string& k) override { s_.check_lock(t, k); }
  void release_lock(std::int64_t t, const std::string& k) override { s_.release_lock(t, k); }
  std::optional<state::LockHolder> lock_holder(std::int64_t t) override {
    return s_.lock_holder(t);
  }
  void force_unlock(std::int64_t t) override { s_.force_unlock(t); }
  int schema_version() override { return s_.schema_version(); }
  state::StateDump dump() override { return s_.dump(); }
  void load(const state::StateDump& d, bool r) override { s_.load(d, r); }

 private:
  state::Store& s_;
  int left_;
  std::atomic<int> outcomes_left_;  // written by the journal's writer thread
};

Desired numbers(int n) {
  std::vector<DesiredNumber> out;
  for (int i = 0; i < n; ++i)
    out.push_back(SyncWorld::number("+1555123000" + std::to_string(i), "N", kSupport));
  return SyncWorld::desired(out);
}

}  // namespace

TEST_CASE("full disk: no import is sent without its intent, the run ends failed, lock released") {
  SyncWorld w;
  for (int i = 0; i < 5; ++i) w.twilio.add(kMainSid, "+1555123000" + std::to_string(i));
  FullDiskStore full(*w.store, 2);
  sync::ApplySession session(full, w.xuna, w.source, w.clock, w.identity, w.target);
  sync::ApplyResult r;
  try {
    r = session.run(w.request(numbers(5)), {});
    CHECK(r.outcome == RunOutcome::Failed);
    CHECK_THAT(r.report.stopped, Catch::Contains("disk is full"));
  } catch (const sync::SyncError& e) {
    CHECK(e.kind == sync::Stop::Failed);
    CHECK_THAT(e.what(), Catch::Contains("disk is full"));
  }
  CHECK(full.refused >= 1);
  // Those whose intents were written (two at most; fewer when the third shared their
  // transaction), and no other. An intent written ahead, whose worker was still waiting for
  // a place when the disk filled, is recorded skipped: not sent.
  CHECK(w.xuna.count("import") <= 2);
  std::size_t sent = 0;
  for (const auto& a : w.store->actions_of(w.store->runs(w.target_id(), 1).at(0).id)) {
    CHECK(a.kind == ActionKind::Import);
    if (a.outcome != Outcome::Skipped) ++sent;
  }
  CHECK(static_cast<std::size_t>(w.xuna.count("import")) == sent);
  CHECK(w.xuna.count("assign") == 0);
  CHECK(w.store->runs(w.target_id(), 1).at(0).outcome == RunOutcome::Failed);
  CHECK(w.store->unfinished_actions(w.target_id()).empty());
  CHECK_FALSE(w.store->lock_holder(w.target_id()).has_value());

  // With room again, the next run completes what is left, sending nothing twice.
  auto next = w.apply(numbers(5));
  CHECK(next.outcome == RunOutcome::Ok);
  CHECK(w.xuna.count("import") == 5);
  CHECK(w.xuna.count("assign") == 5);
}

TEST_CASE("full disk: outcomes that cannot be written fail the run, and nothing is sent twice") {
  // Outcomes are written in batches by a writer of their own (issue 23): the batch that fails
  // stops the sends after it, the run ends failed, and the next run settles the actions left
  // pending by the live list.
  SyncWorld w;
  for (int i = 0; i < 5; ++i) w.twilio.add(kMainSid, "+1555123000" + std::to_string(i));
  FullDiskStore full(*w.store, 1000, 0);
  sync::ApplySession session(full, w.xuna, w.source, w.clock, w.identity, w.target);
  try {
    auto r = session.run(w.request(numbers(5)), {});
    CHECK(r.outcome == RunOutcome::Failed);
    CHECK_THAT(r.report.stopped, Catch::Contains("disk is full"));
  } catch (const sync::SyncError& e) {
    CHECK(e.kind == sync::Stop::Failed);
  }
  CHECK(w.store->runs(w.target_id(), 1).at(0).outcome == RunOutcome::Failed);
  CHECK_FALSE(w.store->lock_holder(w.target_id()).has_value());

  auto next = w.apply(numbers(5));
  CHECK(next.outcome == RunOutcome::Ok);
  CHECK(w.xuna.count("import") == 5);  // the first run's imports adopted, not sent again
  CHECK(w.store->unfinished_actions(w.target_id()).empty());
}

TEST_CASE("full disk: a campaign whose intent cannot be written is not sent") {
  SyncWorld w;
  w.twilio.add(kMainSid, "+15551230000");
  w.xuna.add("pn_0", "+15551230000", "N", kSupport);
  w.store->finish_run(w.store->begin_run(w.target_id(), "apply", "t"), RunOutcome::Ok, "t");
  Desired d = numbers(1);
  BatchCampaign b;
  b.name = "spring";
  b.agent_id = kSales;
  b.from = "+15551230000";
  BatchCallTarget to;
  to.to = "+15557770001";
  b.calls.push_back(to);
  d.batches.push_back(b);
  FullDiskStore full(*w.store, 0);
  sync::ApplySession session(full, w.xuna, w.source, w.clock, w.identity, w.target);
  try {
    auto r = session.run(w.request(d), {});
    CHECK(r.outcome == RunOutcome::Failed);
  } catch (const sync::SyncError& e) {
    CHECK(e.kind == sync::Stop::Failed);
  }
  CHECK(full.refused == 1);
  CHECK(w.xuna.count("batch") == 0);
  CHECK(w.store->runs(w.target_id(), 1).at(0).outcome == RunOutcome::Failed);
}

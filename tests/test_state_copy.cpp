// state copy between backends: everything, ids kept, non-empty destinations refused.
#include <catch2/catch.hpp>

#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::state::testing::TempDir;
using xs::state::testing::TestState;

namespace {

const std::string kT0 = "2026-01-01T00:00:00Z";
const std::string kT1 = "2026-01-01T00:00:01Z";

// A state with some of everything, in two targets.
void fill(Store& s) {
  const auto a = s.target("https://a.example", "fp");
  const auto b = s.target("https://b.example", "fp");
  const auto r1 = s.begin_run(a, "apply", kT0);
  s.finish_run(r1, xs::RunOutcome::Ok, kT1);
  s.begin_run(b, "apply", kT1);  // still running (killed)
  ActionIntent i;
  i.kind = xs::ActionKind::Import;
  i.phone_number = "+15550000001";
  i.detail = "import";
  i.idempotency_key = "k1";
  RoutingSnapshot snap;
  snap.twilio_account = "main";
  snap.account_sid = "AC1";
  snap.before.sid = "PN1";
  snap.before.voice_url = "https://u:p@ivr.example/v";
  i.snapshot = snap;
  const auto id = s.record_intent(r1, i, kT0);
  s.record_outcome(id, xs::Outcome::Ok, "", "pn_1", kT1);
  i.snapshot.reset();
  i.phone_number = "+15550000002";
  s.record_intent(r1, i, kT0);  // pending
  xs::TwilioRouting after;
  after.voice_url = "https://api.xuna.ai/twilio";
  s.record_routing_after(a, "+15550000001", after, kT1);
  s.mark_rolled_back(a, "+15550000001", true, kT1);
  xs::ProbationFallback f;  // issue 22
  f.state = xs::ProbationFallback::State::Set;
  f.url = "https://u:p@ivr.example/v";
  f.method = "POST";
  f.until = "2026-01-15T00:00:00Z";
  f.changed_at = kT1;
  s.record_fallback(a, "+15550000001", f);
  s.mark_managed_many(a, {{"+15550000001", "pn_1", "", ""}}, kT1);
  s.record_call_intent(b, 2, "renewals", "cd", {{{"+15550000001", 1}, "d"}}, "kb0", kT0, "");
  s.record_call_outcome(b, "renewals", "kb0", xs::CallStatus::Sent, "batch_1", "", kT1);
  s.record_call_intent(b, 2, "renewals", "cd", {{{"+15550000002", 1}, "d"}}, "kb1", kT0, "");
  StateDump d = s.dump();  // and a chunk row of an older version, not yet upgraded
  BatchChunkRecord c;
  c.name = "old";
  c.digest = "d0";
  c.status = xs::BatchStatus::Sent;
  c.idempotency_key = "kc";
  c.created_at = c.updated_at = kT0;
  d.batches.emplace_back(b, c);
  s.load(d, true);
}

void check_same(Store& x, Store& y) {
  const StateDump a = x.dump(), b = y.dump();
  REQUIRE(a.targets.size() == b.targets.size());
  for (std::size_t i = 0; i < a.targets.size(); ++i) {
    CHECK(a.targets[i].id == b.targets[i].id);
    CHECK(a.targets[i].api_url == b.targets[i].api_url);
  }
  REQUIRE(a.runs.size() == b.runs.size());
  for (std::size_t i = 0; i < a.runs.size(); ++i) {
    CHECK(a.runs[i].run.id == b.runs[i].run.id);
    CHECK(a.runs[i].run.outcome == b.runs[i].run.outcome);
    CHECK(a.runs[i].run.finished_at == b.runs[i].run.finished_at);
    CHECK(a.runs[i].pid == b.runs[i].pid);
    CHECK(a.runs[i].host == b.runs[i].host);
  }
  REQUIRE(a.actions.size() == b.actions.size());
  for (std::size_t i = 0; i < a.actions.size(); ++i) {
    CHECK(a.actions[i].id == b.actions[i].id);
    CHECK(a.actions[i].outcome == b.actions[i].outcome);
    CHECK(a.actions[i].phone_number_id == b.actions[i].phone_number_id);
    CHECK(a.actions[i].finished_at == b.actions[i].finished_at);
  }
  CHECK(a.managed.size() == b.managed.size());
  REQUIRE(a.batches.size() == b.batches.size());
  for (std::size_t i = 0; i < a.batches.size(); ++i) {
    CHECK(a.batches[i].second.status == b.batches[i].second.status);
    CHECK(a.batches[i].second.calls_initiated == b.batches[i].second.calls_initiated);
  }
  REQUIRE(a.calls.size() == b.calls.size());
  for (std::size_t i = 0; i < a.calls.size(); ++i) {
    CHECK(a.calls[i].second.key == b.calls[i].second.key);
    CHECK(a.calls[i].second.status == b.calls[i].second.status);
    CHECK(a.calls[i].second.request_key == b.calls[i].second.request_key);
    CHECK(a.calls[i].second.batch_id == b.calls[i].second.batch_id);
    CHECK(a.calls[i].second.run == b.calls[i].second.run);
  }
  REQUIRE(a.snapshots.size() == b.snapshots.size());
  for (std::size_t i = 0; i < a.snapshots.size(); ++i) {
    const RoutingSnapshot &p = a.snapshots[i].second, &q = b.snapshots[i].second;
    CHECK(p.before == q.before);
    CHECK(p.after == q.after);
    CHECK(p.rolled_back == q.rolled_back);
    CHECK(p.taken_at == q.taken_at);
    CHECK(p.rolled_back_at == q.rolled_back_at);
    CHECK(p.fallback == q.fallback);
  }
  if (!a.snapshots.empty())
    CHECK(a.snapshots[0].second.fallback.state == xs::ProbationFallback::State::Set);
}

}  // namespace

TEST_CASE("a state is copied to the other backend and back with every row", "[conformance]") {
  TestState st;  // first: it may end the executable (no cluster), leaving nothing behind
  auto there = st.open();
  const TempDir& tmp = st.tmp;
  auto sqlite = open_store(tmp / "from.db");
  fill(*sqlite);
  const CopyCounts c = copy_state(*sqlite, *there, false);
  CHECK(c.targets == 2);
  CHECK(c.runs == 2);
  CHECK(c.actions == 2);
  CHECK(c.managed == 1);
  CHECK(c.batches == 1);
  CHECK(c.calls == 2);
  CHECK(c.snapshots == 1);
  check_same(*sqlite, *there);
  CHECK(there->unfinished_actions(1).size() == 1);
  CHECK(there->view(2).campaigns.at("renewals").at({"+15550000002", 1}).status ==
        xs::CallStatus::Unknown);
  CHECK(there->view(2).legacy_batches.at("old").status == xs::BatchStatus::Sent);

  // New rows get new ids after the copied ones.
  const auto t = there->target("https://c.example", "fp");
  CHECK(t == 3);
  CHECK(there->begin_run(t, "plan", kT1) == 3);

  auto back = open_store(tmp / "back.db");
  copy_state(*there, *back, false);
  check_same(*there, *back);
}

TEST_CASE("copying into a state that is not empty is refused unless forced", "[conformance]") {
  TestState st;
  auto to = st.open();
  auto from = open_store(st.tmp / "from.db");
  fill(*from);
  const auto t = to->target("https://other.example", "fp");
  to->begin_run(t, "apply", kT0);
  CHECK_THROWS_WITH(copy_state(*from, *to, false), Catch::Contains("not empty"));
  CHECK(to->targets().size() == 1);  // untouched
  copy_state(*from, *to, true);
  check_same(*from, *to);
  CHECK_FALSE(to->find_target("https://other.example", "fp"));
}

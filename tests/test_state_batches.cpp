// Batch-call campaigns in the state: chunks, their outcomes, and the planner's view.
#include <catch2/catch.hpp>

#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::BatchStatus;
using xs::state::testing::TestState;

namespace {
const std::string kT0 = "2026-01-01T00:00:00Z";
const std::string kT1 = "2026-01-01T00:00:01Z";
}  // namespace

TEST_CASE("a batch intent is pending then sent and the view folds its chunks", "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  s.record_batch_intent(t, "renewals", 0, "d0", "k0", kT0, "");
  s.record_batch_intent(t, "renewals", 1, "d1", "k1", kT0, "");

  auto v = s.view(t);
  REQUIRE(v.batches.count("renewals") == 1);
  CHECK(v.batches["renewals"].status == BatchStatus::Unknown);  // an intent without outcome

  s.record_batch_outcome(t, "renewals", 0, BatchStatus::Sent, "batch_a", 100, kT1);
  CHECK(s.view(t).batches["renewals"].status == BatchStatus::Unknown);
  s.record_batch_outcome(t, "renewals", 1, BatchStatus::Sent, "batch_b", 20, kT1);

  v = s.view(t);
  const xs::BatchRecord& b = v.batches["renewals"];
  CHECK(b.name == "renewals");
  CHECK(b.status == BatchStatus::Sent);
  CHECK(b.digest == "d0");
  // The batch ids and call counts are per chunk (BatchRecord no longer sums them).
  CHECK(s.batch_chunks(t, "renewals")[0].batch_id == "batch_a");
  CHECK(s.batch_chunks(t, "renewals")[0].calls_initiated +
            s.batch_chunks(t, "renewals")[1].calls_initiated ==
        120);

  const auto chunks = s.batch_chunks(t, "renewals");
  REQUIRE(chunks.size() == 2);
  CHECK(chunks[0].chunk == 0);
  CHECK(chunks[0].idempotency_key == "k0");
  CHECK(chunks[0].created_at == kT0);
  CHECK(chunks[0].updated_at == kT1);
  CHECK(chunks[1].chunk == 1);
  CHECK(chunks[1].digest == "d1");
  CHECK(chunks[1].batch_id == "batch_b");
  CHECK(chunks[1].calls_initiated == 20);
  CHECK(chunks[1].status == BatchStatus::Sent);
}

TEST_CASE("a batch with any unknown chunk is unknown and one with only failures is failed",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  s.record_batch_intent(t, "a", 0, "d", "ka0", kT0, "");
  s.record_batch_intent(t, "a", 1, "d", "ka1", kT0, "");
  s.record_batch_outcome(t, "a", 0, BatchStatus::Sent, "batch_1", 5, kT1);
  s.record_batch_outcome(t, "a", 1, BatchStatus::Unknown, "", 0, kT1);
  s.record_batch_intent(t, "b", 0, "d", "kb0", kT0, "");
  s.record_batch_outcome(t, "b", 0, BatchStatus::Failed, "", 0, kT1);

  auto v = s.view(t);
  CHECK(v.batches["a"].status == BatchStatus::Unknown);
  CHECK(v.batches["b"].status == BatchStatus::Failed);
}

TEST_CASE("recording a batch intent again (a resubmit) makes the chunk pending again",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  s.record_batch_intent(t, "a", 0, "d", "k", kT0, "");
  s.record_batch_outcome(t, "a", 0, BatchStatus::Unknown, "", 0, kT1);
  s.record_batch_intent(t, "a", 0, "d2", "k2", kT1, "");
  const auto c = s.batch_chunks(t, "a");
  REQUIRE(c.size() == 1);
  CHECK(c[0].status == BatchStatus::Pending);
  CHECK(c[0].digest == "d2");
  CHECK(c[0].idempotency_key == "k2");
  CHECK(c[0].created_at == kT0);
}

TEST_CASE("batches belong to their target and bad outcomes are errors", "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto a = s.target("https://a.example", "fp");
  const auto b = s.target("https://b.example", "fp");
  s.record_batch_intent(a, "x", 0, "d", "k", kT0, "");
  CHECK(s.view(b).batches.empty());
  CHECK(s.batch_chunks(b, "x").empty());
  CHECK_THROWS_AS(s.record_batch_outcome(b, "x", 0, BatchStatus::Sent, "id", 1, kT1), StateError);
  CHECK_THROWS_AS(s.record_batch_outcome(a, "x", 1, BatchStatus::Sent, "id", 1, kT1), StateError);
  CHECK_THROWS_AS(s.record_batch_outcome(a, "x", 0, BatchStatus::Pending, "", 0, kT1), StateError);
}

TEST_CASE("a batch intent with a lock token is written only while that token holds the lock",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto lock = s.acquire_lock(t, 100, "hostA", kT0, [](int) { return true; });
  REQUIRE(lock.kind == LockResult::Kind::Acquired);
  s.record_batch_intent(t, "a", 0, "d", "k", kT0, lock.token);
  CHECK(s.batch_chunks(t, "a").size() == 1);
  CHECK_THROWS_AS(s.record_batch_intent(t, "a", 1, "d", "k1", kT0, "not-the-token"), LockLost);
  s.force_unlock(t);  // state unlock --force while the run goes on
  CHECK_THROWS_AS(s.record_batch_intent(t, "b", 0, "d", "k", kT0, lock.token), LockLost);
  CHECK(s.batch_chunks(t, "a").size() == 1);  // nothing written by the refused ones
  CHECK(s.batch_chunks(t, "b").empty());
}

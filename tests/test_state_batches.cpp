// The campaign ledger in the state: one row per recipient, an intent before each request, and
// the state's own refusal to record a recipient twice; chunk records of older states as read
// for the upgrade. Conformance cases: they run against SQLite and PostgreSQL.
#include <catch2/catch.hpp>

#include "state/store.h"
#include "test_state_support.h"

using namespace xs::state;
using xs::CallIntent;
using xs::CallKey;
using xs::CallStatus;
using xs::state::testing::TestState;

namespace {
const std::string kT0 = "2026-01-01T00:00:00Z";
const std::string kT1 = "2026-01-01T00:00:01Z";

std::vector<CallIntent> calls(std::initializer_list<const char*> numbers) {
  std::vector<CallIntent> out;
  for (const char* n : numbers) out.push_back({{n, 1}, std::string("digest-") + n});
  return out;
}

CallStatus status_of(Store& s, std::int64_t t, const std::string& campaign, const std::string& n,
                     int occurrence = 1) {
  for (const auto& r : s.campaign_calls(t, campaign))
    if (r.key == CallKey{n, occurrence}) return r.status;
  FAIL("no ledger row for " << n);
  return CallStatus::Failed;
}
}  // namespace

TEST_CASE("a request's recipients are unknown until its outcome, then sent, in the view",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto run = s.begin_run(t, "apply", kT0);
  s.record_call_intent(t, run, "renewals", "cd", calls({"+15550000001", "+15550000002"}), "k1", kT0, "");
  auto v = s.view(t);
  REQUIRE(v.campaigns.count("renewals") == 1);
  CHECK(v.campaigns["renewals"].size() == 2);
  CHECK(v.campaigns["renewals"][{"+15550000001", 1}].status == CallStatus::Unknown);
  CHECK(v.campaigns["renewals"][{"+15550000001", 1}].request_key == "k1");

  s.record_call_outcome(t, "renewals", "k1", CallStatus::Sent, "batch_a", "", kT1);
  v = s.view(t);
  const xs::LedgerEntry& e = v.campaigns["renewals"][{"+15550000002", 1}];
  CHECK(e.status == CallStatus::Sent);
  CHECK(e.digest == "digest-+15550000002");
  CHECK(e.campaign_digest == "cd");
  const auto rows = s.campaign_calls(t, "renewals");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].key.recipient == "+15550000001");
  CHECK(rows[0].batch_id == "batch_a");
  CHECK(rows[0].run == run);
  CHECK(rows[0].updated_at == kT1);
  CHECK(rows[0].request_key == "k1");
}

TEST_CASE("the state refuses a second intent for a recipient already sent or unknown elsewhere",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  s.record_call_intent(t, 1, "c", "cd", calls({"+15550000001"}), "k1", kT0, "");
  s.record_call_outcome(t, "c", "k1", CallStatus::Sent, "b", "", kT1);
  s.record_call_intent(t, 1, "c", "cd", calls({"+15550000002"}), "k2", kT0, "");  // unknown
  // a request holding a dialled recipient, or one unknown under another key: nothing written
  CHECK_THROWS_AS(s.record_call_intent(t, 2, "c", "cd", calls({"+15550000003", "+15550000001"}),
                                       "k3", kT1, ""),
                  StateError);
  CHECK_THROWS_AS(s.record_call_intent(t, 2, "c", "cd", calls({"+15550000002"}), "k4", kT1, ""),
                  StateError);
  CHECK(s.campaign_calls(t, "c").size() == 2);  // +...003 was not written either
  // the same request again (--resubmit) is allowed, and a failed one may be sent anew
  s.record_call_intent(t, 2, "c", "cd", calls({"+15550000002"}), "k2", kT1, "");
  s.record_call_outcome(t, "c", "k2", CallStatus::Failed, "", "422 bad", kT1);
  s.record_call_intent(t, 3, "c", "cd", calls({"+15550000002"}), "k5", kT1, "");
  CHECK(status_of(s, t, "c", "+15550000002") == CallStatus::Unknown);
  // another call to the same number (allow_duplicates) is its own row
  s.record_call_intent(t, 3, "c", "cd", {{{"+15550000001", 2}, "d"}}, "k6", kT1, "");
  CHECK(status_of(s, t, "c", "+15550000001", 2) == CallStatus::Unknown);
  CHECK(status_of(s, t, "c", "+15550000001", 1) == CallStatus::Sent);
}

TEST_CASE("marks never overwrite a dialled or unknown recipient, outcomes need an intent",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  s.record_call_intent(t, 1, "c", "cd", calls({"+15550000001"}), "k1", kT0, "");
  s.record_call_outcome(t, "c", "k1", CallStatus::Sent, "b", "", kT1);
  s.record_call_intent(t, 1, "c", "cd", calls({"+15550000002"}), "k2", kT0, "");
  std::vector<CallRecord> marks;
  for (const char* n : {"+15550000001", "+15550000002", "+15550000003"}) {
    CallRecord r;
    r.key = {n, 1};
    r.status = CallStatus::Suppressed;
    marks.push_back(r);
  }
  s.record_calls(t, "c", marks, kT1);
  CHECK(status_of(s, t, "c", "+15550000001") == CallStatus::Sent);
  CHECK(status_of(s, t, "c", "+15550000002") == CallStatus::Unknown);
  CHECK(status_of(s, t, "c", "+15550000003") == CallStatus::Suppressed);
  // a suppressed recipient taken off the list may be dialled
  s.record_call_intent(t, 2, "c", "cd", calls({"+15550000003"}), "k3", kT1, "");
  CHECK_THROWS_AS(s.record_call_outcome(t, "c", "nope", CallStatus::Sent, "", "", kT1), StateError);
  CHECK_THROWS_AS(s.record_call_outcome(t, "c", "k3", CallStatus::Expired, "", "", kT1), StateError);
  CHECK_THROWS_AS(s.record_call_intent(t, 2, "c", "cd", calls({"+1"}), "", kT1, ""), StateError);
}

TEST_CASE("a large request is recorded in one transaction, several statements",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  std::vector<CallIntent> many;
  for (int i = 0; i < 1000; ++i) many.push_back({{"+1555" + std::to_string(1000000 + i), 1}, "d"});
  s.record_call_intent(t, 1, "big", "cd", many, "k", kT0, "");
  s.record_call_outcome(t, "big", "k", CallStatus::Sent, "b", "", kT1);
  CHECK(s.view(t).campaigns["big"].size() == 1000);
  many.push_back({{"+15550000000", 1}, "d"});  // 1001, with 1000 already dialled: all refused
  CHECK_THROWS_AS(s.record_call_intent(t, 2, "big", "cd", many, "k2", kT1, ""), StateError);
  CHECK(s.campaign_calls(t, "big").size() == 1000);
}

TEST_CASE("an upgrade writes a campaign's rows and drops its chunk records in one go",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  StateDump d = s.dump();  // chunk rows as an older version wrote them
  BatchChunkRecord c;
  c.name = "old";
  c.chunk = 0;
  c.digest = "cd";
  c.status = xs::BatchStatus::Sent;
  c.batch_id = "batch_1";
  c.idempotency_key = "xs-batch-1";
  c.created_at = c.updated_at = kT0;
  d.batches.emplace_back(t, c);
  s.load(d, true);
  auto v = s.view(t);
  REQUIRE(v.legacy_batches.count("old") == 1);
  CHECK(v.legacy_batches["old"].status == xs::BatchStatus::Sent);
  REQUIRE(s.batch_chunks(t, "old").size() == 1);
  CallRecord r;
  r.key = {"+15550000001", 1};
  r.status = CallStatus::Sent;
  r.request_key = "xs-batch-1";
  r.note = "chunk 1 before the ledger";
  s.upgrade_campaign(t, "old", {r}, kT1);
  v = s.view(t);
  CHECK(v.legacy_batches.empty());
  CHECK(v.campaigns["old"][{"+15550000001", 1}].status == CallStatus::Sent);
  CHECK(s.batch_chunks(t, "old").empty());
  CHECK(s.campaign_calls(t, "old")[0].note == "chunk 1 before the ledger");
}

TEST_CASE("campaigns belong to their target", "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto a = s.target("https://a.example", "fp");
  const auto b = s.target("https://b.example", "fp");
  s.record_call_intent(a, 1, "x", "cd", calls({"+15550000001"}), "k", kT0, "");
  CHECK(s.view(b).campaigns.empty());
  CHECK(s.campaign_calls(b, "x").empty());
  CHECK_THROWS_AS(s.record_call_outcome(b, "x", "k", CallStatus::Sent, "id", "", kT1), StateError);
  s.record_call_intent(b, 1, "x", "cd", calls({"+15550000001"}), "k", kT0, "");  // its own row
  CHECK(s.campaign_calls(b, "x").size() == 1);
}

TEST_CASE("a request's intent with a lock token is written only while that token holds the lock",
          "[conformance]") {
  TestState st;
  auto store = st.open();
  Store& s = *store;
  const auto t = s.target("https://api.xuna.ai", "fp");
  const auto lock = s.acquire_lock(t, 100, "hostA", kT0, [](int) { return true; });
  REQUIRE(lock.kind == LockResult::Kind::Acquired);
  s.record_call_intent(t, 1, "a", "cd", calls({"+15550000001"}), "k", kT0, lock.token);
  CHECK(s.campaign_calls(t, "a").size() == 1);
  CHECK_THROWS_AS(s.record_call_intent(t, 1, "a", "cd", calls({"+15550000002"}), "k1", kT0,
                                       "not-the-token"),
                  LockLost);
  s.force_unlock(t);  // state unlock --force while the run goes on
  CHECK_THROWS_AS(s.record_call_intent(t, 1, "b", "cd", calls({"+15550000001"}), "k", kT0, lock.token),
                  LockLost);
  CHECK(s.campaign_calls(t, "a").size() == 1);  // nothing written by the refused ones
  CHECK(s.campaign_calls(t, "b").empty());
}

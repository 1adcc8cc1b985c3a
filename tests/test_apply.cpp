// apply_plan against an in-memory XUNA: ordering, isolation of failures, unclear imports.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "fakes.h"
#include "plan/plan.h"

using namespace xs;
using xs::test::FakeJournal;
using xs::test::FakeXuna;

namespace {

const std::string kAgent = "agent_support0000000000000001";

DesiredNumber want(const std::string& number, const std::string& agent = kAgent) {
  DesiredNumber n;
  n.phone_number = number;
  n.label = "L " + number;
  n.agent_id = agent;
  n.agent_ref = agent;
  n.twilio_account = "main";
  return n;
}

std::map<std::string, TwilioCredentials> creds() {
  return {{"main", {"AC0123456789abcdef0123456789abcdef", Secret("tok")}}};
}

// The plan of n numbers +15550000001... that api does not hold: n imports, then n assigns.
Plan import_plan(FakeXuna& api, int n) {
  Desired d;
  for (int i = 1; i <= n; ++i) d.numbers.push_back(want("+1555000000" + std::to_string(i)));
  return make_plan(d, api.list_numbers().value(), {});
}

ApplyReport run(FakeXuna& api, FakeJournal& journal, const std::vector<DesiredNumber>& numbers,
                std::size_t parallelism = 8) {
  Desired d;
  d.numbers = numbers;
  LiveList live = api.list_numbers().value();
  Plan plan = make_plan(d, live, {});
  ApplyOptions options;
  options.parallelism = parallelism;
  return apply_plan(plan, api, journal, creds(), options);
}

}  // namespace

TEST_CASE("apply imports then assigns, and records intent and outcome of each") {
  FakeXuna api;
  FakeJournal journal;
  auto report = run(api, journal, {want("+15550000001"), want("+15550000002", "")}, 1);
  CHECK(report.success());
  CHECK(report.ok == 3);
  auto calls = api.calls();
  REQUIRE(calls.size() == 4);
  CHECK(calls[1].op == "import");
  CHECK(calls[2].op == "import");
  CHECK(calls[3].op == "assign");
  CHECK(calls[3].target == "id_+15550000001");
  CHECK(api.numbers["+15550000001"].agent_id == kAgent);
  REQUIRE(journal.entries.size() == 3);
  for (const auto& e : journal.entries) {
    CHECK(e.has_outcome);
    CHECK(e.outcome == Outcome::Ok);
    CHECK(e.key.rfind("xs-", 0) == 0);
  }
  CHECK(journal.managed_numbers.size() == 2);
}

TEST_CASE("a second apply after a successful one sends nothing") {
  FakeXuna api;
  FakeJournal journal;
  run(api, journal, {want("+15550000001")});
  const auto before = api.calls().size();
  auto report = run(api, journal, {want("+15550000001")});
  CHECK(report.results.empty());
  CHECK(api.calls().size() == before + 1);  // the list only
}

TEST_CASE("one failing import does not stop the others, its assign is skipped") {
  FakeXuna api;
  FakeJournal journal;
  api.import_faults["+15550000002"] = FakeXuna::Fault::Reject;
  auto report = run(api, journal, {want("+15550000001"), want("+15550000002"), want("+15550000003")});
  CHECK_FALSE(report.success());
  CHECK(report.failed == 1);
  CHECK(report.skipped == 1);
  CHECK(report.ok == 4);
  CHECK(api.numbers.count("+15550000001"));
  CHECK(api.numbers.count("+15550000003"));
  CHECK_FALSE(api.numbers.count("+15550000002"));
  bool saw_skip = false;
  for (const auto& r : report.results) {
    if (r.outcome == Outcome::Skipped) {
      saw_skip = true;
      CHECK(r.action.phone_number == "+15550000002");
      CHECK(r.error == "not assigned: the import of +15550000002 did not succeed");
    }
  }
  CHECK(saw_skip);
}

TEST_CASE("an import answered by a dropped connection after commit is adopted, not resent") {
  FakeXuna api;
  FakeJournal journal;
  api.import_faults["+15550000001"] = FakeXuna::Fault::CommitThenDrop;
  auto report = run(api, journal, {want("+15550000001"), want("+15550000002")});
  CHECK(report.success());
  CHECK(api.count("import") == 2);  // one each: never twice for +15550000001
  CHECK(api.count("list") == 2);    // the plan's list and one re-list
  CHECK(api.numbers["+15550000001"].agent_id == kAgent);
  bool adopted = false;
  for (const auto& r : report.results)
    if (r.note == "arrived despite an unclear answer: adopted") adopted = true;
  CHECK(adopted);
}

TEST_CASE("an import lost before commit is sent again with the same idempotency key") {
  FakeXuna api;
  FakeJournal journal;
  api.import_faults["+15550000001"] = FakeXuna::Fault::DropBeforeCommit;
  auto report = run(api, journal, {want("+15550000001")});
  CHECK(report.success());
  std::vector<std::string> keys;
  for (const auto& c : api.calls())
    if (c.op == "import") keys.push_back(c.key);
  REQUIRE(keys.size() == 2);
  CHECK(keys[0] == keys[1]);
}

TEST_CASE("a 409 on import is settled by adopting the existing number") {
  FakeXuna api;
  FakeJournal journal;
  Desired d;
  d.numbers = {want("+15550000001")};
  Plan plan = make_plan(d, {}, {});         // planned while the number was absent...
  api.add("pn_raced", "+15550000001", "L"); // ...then it arrived (another tool, a person)
  auto report = apply_plan(plan, api, journal, creds(), {});
  CHECK(report.success());
  CHECK(api.numbers["+15550000001"].agent_id == kAgent);
  CHECK(journal.managed_numbers["+15550000001"] == "pn_raced");
}

TEST_CASE("plan errors are reported as failed and nothing is sent for them") {
  FakeXuna api;
  FakeJournal journal;
  Desired d;
  d.numbers = {want("+15550000001"), want("+15550000099")};
  Ownership own;
  own.owned["main"] = {"+15550000001"};
  Plan plan = make_plan(d, {}, {}, own);
  auto report = apply_plan(plan, api, journal, creds(), {});
  CHECK(report.failed == 1);
  CHECK(report.ok == 2);
  CHECK(report.results[0].action.phone_number == "+15550000099");
  CHECK(api.count("import") == 1);
}

TEST_CASE("apply keeps at most `parallelism` requests in flight") {
  FakeXuna api;
  FakeJournal journal;
  api.delay_ms = 5;
  std::vector<DesiredNumber> numbers;
  for (int i = 0; i < 40; ++i) numbers.push_back(want("+1555000" + std::to_string(1000 + i)));
  auto report = run(api, journal, numbers, 4);
  CHECK(report.ok == 80);
  CHECK(api.max_in_flight() <= 4);
  CHECK(api.max_in_flight() >= 2);
}

TEST_CASE("the next request's intent is written while a request is in flight, even at -p 1") {
  // The first import is answered only once the second's intent is durable: a worker that
  // wrote its next intent only after its answer would wait here in vain (bounded: 10 s),
  // and each place would idle for an intent's write between an answer and the next request.
  FakeXuna api;
  FakeJournal journal;
  std::atomic<bool> waited_in_vain{false};
  api.before_import = [&](const ImportRequest& r) {
    if (r.phone_number != "+15550000001") return;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (journal.intents("import") < 2) {
      if (std::chrono::steady_clock::now() > until) {
        waited_in_vain = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  auto report = run(api, journal, {want("+15550000001"), want("+15550000002"), want("+15550000003")}, 1);
  CHECK_FALSE(waited_in_vain);
  CHECK(report.ok == 6);
  CHECK(api.max_in_flight() == 1);  // ahead in the journal, never on the wire
}

TEST_CASE("a signal while a written intent waits for its place: not sent, journaled skipped") {
  FakeXuna api;
  FakeJournal journal;
  std::atomic<bool> stop{false};
  Plan plan = import_plan(api, 3);
  ApplyOptions options;
  options.parallelism = 1;
  options.stop = &stop;
  api.before_import = [&](const ImportRequest& r) {
    if (r.phone_number != "+15550000001") return;
    // The second import's intent is written (its worker waits for the one place), then the
    // signal comes, before the first import is answered.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (journal.intents("import") < 2 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stop = true;
  };
  auto report = apply_plan(plan, api, journal, creds(), options);
  CHECK(report.interrupted);
  CHECK(api.count("import") == 1);  // only the request already on the wire
  CHECK(api.count("assign") == 0);
  CHECK(report.ok == 1);
  CHECK(report.skipped == 5);
  REQUIRE(journal.entries.size() == 2);
  CHECK(journal.entries[1].phone_number == "+15550000002");
  CHECK(journal.entries[1].has_outcome);  // no intent is left open for the next run to settle
  CHECK(journal.entries[1].outcome == Outcome::Skipped);
}

TEST_CASE("an assign goes once its own import succeeded, not after every import's answer") {
  // B's import is answered only once A's assign has been sent: with a pause between the
  // imports and the assigns, B's import would wait in vain (bounded: 10 s) instead.
  FakeXuna api;
  FakeJournal journal;
  const std::string a = "+15550000001", b = "+15550000002";
  std::atomic<bool> waited_in_vain{false};
  api.before_import = [&](const ImportRequest& r) {
    if (r.phone_number != b) return;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (api.count("assign") == 0) {
      if (std::chrono::steady_clock::now() > until) {
        waited_in_vain = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  auto report = run(api, journal, {want(a), want(b)}, 2);
  CHECK_FALSE(waited_in_vain);
  CHECK(report.ok == 4);
  auto calls = api.calls();
  REQUIRE(calls.size() == 5);  // the list, two imports, two assigns
  CHECK(calls[1].op == "import");
  CHECK(calls[2].op == "import");  // both imports sent before any assign
  CHECK(calls[3].op == "assign");
  CHECK(calls[3].target == "id_" + a);
}

TEST_CASE("the assigns' lock check comes once every import's intent is written and stops the assigns only") {
  FakeXuna api;
  FakeJournal journal;
  Plan plan = import_plan(api, 6);
  ApplyOptions options;
  options.parallelism = 3;
  int intents_when_asked = -1;
  bool cutover_started = false;
  options.before_phase = [&](const std::string&) {
    intents_when_asked = journal.intents("import") + journal.intents("assign");
    return std::string("lost the lock");
  };
  options.after_imports = [&](const std::vector<ActionResult>& imports) {
    cutover_started = imports.size() == 6;
  };
  auto report = apply_plan(plan, api, journal, creds(), options);
  CHECK(intents_when_asked == 6);  // the six imports', no assign's
  CHECK(api.count("import") == 6);
  CHECK(api.count("assign") == 0);
  CHECK(report.ok == 6);
  CHECK(report.skipped == 6);
  CHECK(cutover_started);  // the imports' cut-over check runs, as it did before the lock check
}

TEST_CASE("a journal that cannot be written stops every send not yet started") {
  FakeXuna api;
  FakeJournal journal;
  journal.fail_intents_after = 2;
  std::vector<DesiredNumber> numbers;
  for (int i = 0; i < 6; ++i) numbers.push_back(want("+1555000" + std::to_string(1000 + i)));
  auto report = run(api, journal, numbers, 1);
  // Two intents were written and sent; nothing was sent without its intent.
  CHECK(api.count("import") == 2);
  CHECK(api.count("assign") == 0);
  CHECK(journal.entries.size() == 2);
  for (const auto& e : journal.entries) CHECK(e.has_outcome);
  CHECK_FALSE(report.stopped.empty());
  CHECK_THAT(report.stopped, Catch::Contains("disk is full"));
  CHECK(report.skipped == 10);
  CHECK_FALSE(report.success());
}

TEST_CASE("a stop flag set mid-run skips what was not started") {
  // Set while the first import is in flight, holding the one place: it finishes, nothing
  // else starts. (Set after its answer, it would race the worker ahead, which may already
  // have taken the place and sent the next: a request started before the signal.)
  FakeXuna api;
  FakeJournal journal;
  std::atomic<bool> stop{false};
  Desired d;
  for (int i = 0; i < 4; ++i) d.numbers.push_back(want("+1555000" + std::to_string(1000 + i)));
  Plan plan = make_plan(d, {}, {});
  ApplyOptions options;
  options.parallelism = 1;
  options.stop = &stop;
  api.before_import = [&](const ImportRequest&) { stop = true; };
  auto report = apply_plan(plan, api, journal, creds(), options);
  CHECK(report.interrupted);
  CHECK(api.count("import") == 1);
  CHECK(report.ok == 1);
  CHECK(report.skipped == 7);
  // The one sent, and at most the next one's intent, written ahead while it was in flight:
  // that one ends skipped, its outcome written.
  REQUIRE(journal.entries.size() >= 1);
  CHECK(journal.entries.size() <= 2);
  CHECK(journal.entries[0].outcome == Outcome::Ok);
  for (std::size_t k = 1; k < journal.entries.size(); ++k) {
    CHECK(journal.entries[k].has_outcome);
    CHECK(journal.entries[k].outcome == Outcome::Skipped);
  }
}

TEST_CASE("a phase whose before_phase check gives a reason is not started") {
  FakeXuna api;
  FakeJournal journal;
  Plan plan = import_plan(api, 2);
  ApplyOptions options;
  std::vector<std::string> asked;
  options.before_phase = [&](const std::string& phase) {
    asked.push_back(phase);
    return std::string("lost the lock before " + phase);
  };
  auto report = apply_plan(plan, api, journal, creds(), options);
  CHECK(asked == std::vector<std::string>{"assigning agents"});  // no campaigns: not asked
  CHECK(report.ok == 2);                                         // the imports
  CHECK(report.skipped == 2);                                    // the assigns
  CHECK(report.stopped == "lost the lock before assigning agents");
  for (const auto& c : api.calls()) CHECK(c.op != "assign");
}

TEST_CASE("past the run's deadline no request starts: the rest are skipped and the report says why") {
  FakeXuna api;
  FakeJournal journal;
  Plan plan = import_plan(api, 6);
  ApplyOptions options;
  options.parallelism = 1;
  options.deadline_passed = [&api] { return api.count("import") >= 2; };  // after two requests
  auto report = apply_plan(plan, api, journal, creds(), options);
  CHECK(api.count("import") == 2);
  CHECK(api.count("assign") == 0);
  CHECK_FALSE(report.success());
  CHECK(report.stopped.find("deadline") != std::string::npos);
  CHECK(report.skipped == 10);  // four imports and six assigns, none sent
  for (const auto& r : report.results)
    if (r.outcome == Outcome::Skipped) CHECK(r.error.find("deadline") != std::string::npos);
}

#pragma once
// Hand-written fakes (cf. ninja's src/test.h): an in-memory XUNA, a recording journal, a clock.
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "apply/apply.h"
#include "http/transport.h"
#include "util/clock.h"
#include "xuna/api.h"

namespace xs::test {

// An in-memory XUNA that records every call, tracks how many are in flight, and can be told
// to fail a number's import or assign in a chosen way.
class FakeXuna final : public XunaApi {
 public:
  struct Call {
    std::string op;      // list | import | assign
    std::string target;  // phone number (import) or id (assign)
    std::string key;     // idempotency key
  };
  enum class Fault { None, Reject, Conflict, CommitThenDrop, DropBeforeCommit };

  std::map<std::string, LiveNumber> numbers;  // by phone number
  std::map<std::string, Fault> import_faults;  // by phone number, applied once each
  std::map<std::string, Fault> assign_faults;  // by phone number id, applied once each
  int delay_ms = 0;

  void add(const std::string& id, const std::string& number, const std::string& label,
           std::optional<std::string> agent = std::nullopt) {
    numbers[number] = LiveNumber{id, number, label, std::move(agent)};
  }

  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  int count(const std::string& op) {
    int n = 0;
    for (const auto& c : calls()) n += c.op == op;
    return n;
  }
  int max_in_flight() const { return max_in_flight_; }

  Result<LiveList> list_numbers() override {
    Flight f(*this, {"list", "", ""});
    std::lock_guard<std::mutex> lock(mutex_);
    LiveList out;
    for (const auto& [_, n] : numbers) out.push_back(n);
    return out;
  }

  Result<std::string> import_number(const ImportRequest& r, const std::string& key) override {
    Flight f(*this, {"import", r.phone_number, key});
    std::lock_guard<std::mutex> lock(mutex_);
    switch (take(import_faults, r.phone_number)) {
      case Fault::Reject: return error(ErrorKind::Invalid, 400, "rejected", false);
      case Fault::Conflict: return error(ErrorKind::Conflict, 409, "already exists", false);
      case Fault::DropBeforeCommit: return error(ErrorKind::Transient, 0, "dropped", true);
      case Fault::CommitThenDrop:
        numbers[r.phone_number] = LiveNumber{"id_" + r.phone_number, r.phone_number, r.label, {}};
        return error(ErrorKind::Transient, 0, "dropped", true);
      case Fault::None: break;
    }
    if (numbers.count(r.phone_number)) return error(ErrorKind::Conflict, 409, "duplicate", false);
    numbers[r.phone_number] = LiveNumber{"id_" + r.phone_number, r.phone_number, r.label, {}};
    return "id_" + r.phone_number;
  }

  Result<Unit> assign_agent(const std::string& id, const std::string& agent,
                            const std::string& key) override {
    Flight f(*this, {"assign", id, key});
    std::lock_guard<std::mutex> lock(mutex_);
    if (take(assign_faults, id) == Fault::Reject)
      return error(ErrorKind::NotFound, 404, "agent not found", false);
    for (auto& [_, n] : numbers)
      if (n.phone_number_id == id) {
        n.agent_id = agent;
        return Unit{};
      }
    return error(ErrorKind::NotFound, 404, "no such number", false);
  }

  std::vector<BatchRequest> batches;   // every batch request received
  std::deque<Fault> batch_faults;      // applied to the next batch requests, in order
  long long batch_shortfall = 0;       // calls_initiated is this much lower than asked

  Result<BatchResult> submit_batch(const BatchRequest& r, const std::string& key) override {
    Flight f(*this, {"batch", r.from_phone_number_id, key});
    std::lock_guard<std::mutex> lock(mutex_);
    Fault fault = Fault::None;
    if (!batch_faults.empty()) {
      fault = batch_faults.front();
      batch_faults.pop_front();
    }
    if (fault == Fault::Reject) return error(ErrorKind::Invalid, 422, "bad batch", false);
    if (fault == Fault::DropBeforeCommit) return error(ErrorKind::Transient, 0, "dropped", true);
    batches.push_back(r);
    if (fault == Fault::CommitThenDrop) return error(ErrorKind::Transient, 0, "dropped", true);
    return BatchResult{"batch_" + std::to_string(batches.size()),
                       static_cast<long long>(r.calls.size()) - batch_shortfall};
  }

 private:
  // Records the call and the concurrency around it.
  struct Flight {
    FakeXuna& x;
    Flight(FakeXuna& xuna, Call call) : x(xuna) {
      {
        std::lock_guard<std::mutex> lock(x.mutex_);
        x.calls_.push_back(std::move(call));
      }
      int now = ++x.in_flight_;
      int seen = x.max_in_flight_.load();
      while (now > seen && !x.max_in_flight_.compare_exchange_weak(seen, now)) {
      }
      if (x.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(x.delay_ms));
    }
    ~Flight() { --x.in_flight_; }
  };

  static Fault take(std::map<std::string, Fault>& faults, const std::string& key) {
    auto it = faults.find(key);
    if (it == faults.end()) return Fault::None;
    Fault f = it->second;
    faults.erase(it);
    return f;
  }
  static ApiError error(ErrorKind kind, int status, const std::string& msg, bool maybe) {
    ApiError e;
    e.kind = kind;
    e.status = status;
    e.message = msg;
    e.maybe_committed = maybe;
    return e;
  }

  std::mutex mutex_;
  std::vector<Call> calls_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
};

// Records what apply journals, in order.
class FakeJournal final : public Journal {
 public:
  struct Entry {
    std::string kind, phone_number, key;
    Outcome outcome = Outcome::Unknown;
    bool has_outcome = false;
    std::string error, phone_number_id;
  };
  std::vector<Entry> entries;
  std::map<std::string, std::string> managed_numbers;

  // Intents after this many throw, as a full disk does (-1: never).
  int fail_intents_after = -1;
  // batch_intent throws, as a lost lock does.
  bool lock_lost = false;

  std::int64_t intent(const Action& a, const std::string& key) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fail_intents_after >= 0 && static_cast<int>(entries.size()) >= fail_intents_after)
      throw std::runtime_error("database or disk is full");
    entries.push_back({to_string(a.kind), a.phone_number, key, Outcome::Unknown, false, "", ""});
    return static_cast<std::int64_t>(entries.size() - 1);
  }
  void outcome(std::int64_t id, Outcome o, const std::string& error,
               const std::string& pid) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& e = entries.at(static_cast<std::size_t>(id));
    e.outcome = o;
    e.has_outcome = true;
    e.error = error;
    e.phone_number_id = pid;
  }
  void managed(const std::string& number, const std::string& id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    managed_numbers[number] = id;
  }
  // Batch chunk records, as the state keeps them: name -> chunk -> status.
  std::map<std::string, std::map<int, BatchStatus>> chunks;
  std::vector<std::string> batch_keys;
  void batch_intent(const std::string& name, int chunk, const std::string&,
                    const std::string& key) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (lock_lost) throw std::runtime_error("lost the lock");
    chunks[name][chunk] = BatchStatus::Pending;
    batch_keys.push_back(key);
  }
  void batch_outcome(const std::string& name, int chunk, BatchStatus status,
                     const std::string&, long long) override {
    std::lock_guard<std::mutex> lock(mutex_);
    chunks[name][chunk] = status;
  }

 private:
  std::mutex mutex_;
};

// A clock whose sleep advances time instantly; records the sleeps.
class FakeClock final : public Clock {
 public:
  double now = 1000;
  std::vector<double> sleeps;
  double monotonic() override { return now; }
  std::string now_iso() override { return "2026-11-21T00:00:00Z"; }
  double unix_seconds() override { return 1795219200 + now; }
  void sleep(double s) override {
    sleeps.push_back(s);
    now += s;
  }
};

// A transport that answers from a script and records the requests.
class ScriptedTransport final : public Transport {
 public:
  std::deque<Result<HttpResponse>> answers;
  std::vector<HttpRequest> requests;
  Result<HttpResponse> send(const HttpRequest& r) override {
    requests.push_back(r);
    if (answers.empty()) return HttpResponse{200, "OK", {}, "{}"};
    Result<HttpResponse> a = answers.front();
    answers.pop_front();
    return a;
  }
  std::string base_url() const override { return "http://fake"; }
};

inline HttpResponse response(int status, std::string body = "{}",
                             std::map<std::string, std::string> headers = {}) {
  return HttpResponse{status, "", std::move(headers), std::move(body)};
}

}  // namespace xs::test

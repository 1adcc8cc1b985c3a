#pragma once
// Hand-written fakes (cf. ninja's src/test.h): an in-memory XUNA, a recording journal, a clock.
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "apply/apply.h"
#include "http/transport.h"
#include "sync/twilio_source.h"
#include "twilio/client.h"
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
  // Called (under the fake's lock) for each import it commits: XUNA re-points the number's
  // Twilio webhook at itself, which a test wires to a FakeTwilio.
  std::function<void(const ImportRequest&)> on_import;
  // Called, outside the fake's lock, when a list or an import is asked for, before it is
  // answered.
  std::function<void()> on_list;
  std::function<void(const ImportRequest&)> before_import;

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
    if (on_list) on_list();  // outside the lock: a test may hold the answer back
    std::lock_guard<std::mutex> lock(mutex_);
    LiveList out;
    for (const auto& [_, n] : numbers) out.push_back(n);
    return out;
  }

  Result<std::string> import_number(const ImportRequest& r, const std::string& key) override {
    Flight f(*this, {"import", r.phone_number, key});
    if (before_import) before_import(r);  // outside the lock: a test may hold the answer back
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
    if (on_import) on_import(r);
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

// An in-memory Twilio: accounts (by SID) owning numbers with their routing. Records every
// call; can be told to answer an account with a 401, to fail a number's update transiently or
// as a refusal, or to answer an update with other routing than asked.
class FakeTwilio final : public TwilioApi {
 public:
  struct Call {
    std::string op;       // list | get | update
    std::string account;  // the account SID asked about
    std::string target;   // get/update: the number's sid
    std::string username;
  };
  enum class Fault { None, Unauthorized, Transient, Refuse, OtherRouting, NotFound };

  std::map<std::string, std::vector<OwnedNumber>> accounts;  // account SID -> numbers
  std::map<std::string, Fault> list_faults;                  // by account SID, every time
  std::map<std::string, Fault> update_faults;                // by number sid, once each
  std::string webhook = "https://xuna.example/twilio/inbound_call";  // what XUNA points at
  // Called, outside the fake's lock, when a list is asked for, before it is answered.
  std::function<void()> on_list;

  // Adds a number routed to url (or an app / trunk when those are given); returns its sid.
  std::string add(const std::string& account_sid, const std::string& number,
                  const std::string& url = "https://ivr.example.com/voice",
                  const std::string& app = "", const std::string& trunk = "") {
    std::lock_guard<std::mutex> lock(mutex_);
    OwnedNumber n;
    n.phone_number = number;
    n.friendly_name = number;
    n.sid = "PN" + number.substr(1);
    n.routing.sid = n.sid;
    n.routing.voice_url = url;
    n.routing.voice_method = url.empty() ? "" : "POST";
    n.routing.voice_fallback_method = "POST";  // as Twilio lists a number that never set it
    n.routing.status_callback_method = "POST";
    n.routing.voice_application_sid = app;
    n.routing.trunk_sid = trunk;
    n.routing.voice_receive_mode = "voice";
    accounts[account_sid].push_back(n);
    return n.sid;
  }
  // Points the number at XUNA's webhook, as an import into XUNA does.
  void repoint_at_xuna(const std::string& number) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [_, list] : accounts)
      for (auto& n : list)
        if (n.phone_number == number) {
          n.routing.voice_url = webhook;
          n.routing.voice_method = "POST";
          n.routing.voice_application_sid.clear();
          n.routing.trunk_sid.clear();
        }
  }
  // Changes the number's routing as someone in the Twilio console would (no call recorded).
  template <class Edit>
  void edit(const std::string& number, Edit edit) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [_, list] : accounts)
      for (auto& n : list)
        if (n.phone_number == number) edit(n.routing);
  }
  // The number's routing now (a default routing when no account has it).
  TwilioRouting routing_of(const std::string& number) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [_, list] : accounts)
      for (auto& n : list)
        if (n.phone_number == number) return n.routing;
    return {};
  }
  // Removes the number from every account (released, or moved away).
  void release(const std::string& number) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [_, list] : accounts)
      for (auto it = list.begin(); it != list.end();)
        it = it->phone_number == number ? list.erase(it) : std::next(it);
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
  int count(const std::string& op, const std::string& account) {
    int n = 0;
    for (const auto& c : calls()) n += c.op == op && c.account == account;
    return n;
  }

  Result<std::vector<OwnedNumber>> list_owned(const TwilioAuth& auth) override {
    if (on_list) on_list();  // outside the lock: a test may hold the answer back
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back({"list", auth.account_sid, "", auth.username});
    auto f = list_faults.find(auth.account_sid);
    if (f != list_faults.end() && f->second != Fault::None) return fault(auth, f->second);
    return accounts[auth.account_sid];
  }

  Result<OwnedNumber> get_number(const TwilioAuth& auth, const std::string& sid) override {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back({"get", auth.account_sid, sid, auth.username});
    if (OwnedNumber* n = find(auth.account_sid, sid)) return *n;
    return error(ErrorKind::NotFound, 404, "Twilio account '" + auth.account + "': 404 Not Found");
  }

  Result<OwnedNumber> update_routing(const TwilioAuth& auth, const std::string& sid,
                                     const TwilioRouting& routing) override {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back({"update", auth.account_sid, sid, auth.username});
    Fault f = Fault::None;
    if (auto it = update_faults.find(sid); it != update_faults.end()) {
      f = it->second;
      update_faults.erase(it);
    }
    if (f != Fault::None && f != Fault::OtherRouting) return fault(auth, f);
    OwnedNumber* n = find(auth.account_sid, sid);
    if (!n)
      return error(ErrorKind::NotFound, 404, "Twilio account '" + auth.account + "': 404 Not Found");
    for (const auto& [name, field] : routing_fields()) {  // methods and mode only when given
      const std::string key = name;
      const bool optional = key.find("method") != std::string::npos || key == "voice_receive_mode";
      if (!optional || !(routing.*field).empty()) n->routing.*field = routing.*field;
    }
    if (!routing.voice_application_sid.empty() || !routing.trunk_sid.empty()) {
      // Twilio: setting one of the two deletes the other.
      if (!routing.voice_application_sid.empty()) n->routing.trunk_sid.clear();
      if (!routing.trunk_sid.empty()) n->routing.voice_application_sid.clear();
    }
    OwnedNumber answer = *n;
    if (f == Fault::OtherRouting) answer.routing.voice_url = "https://elsewhere.example/voice";
    return answer;
  }

 private:
  OwnedNumber* find(const std::string& account_sid, const std::string& sid) {
    auto a = accounts.find(account_sid);
    if (a == accounts.end()) return nullptr;
    for (auto& n : a->second)
      if (n.sid == sid) return &n;
    return nullptr;
  }
  static ApiError error(ErrorKind kind, int status, const std::string& msg, bool maybe = false) {
    ApiError e;
    e.kind = kind;
    e.status = status;
    e.message = msg;
    e.maybe_committed = maybe;
    return e;
  }
  static ApiError fault(const TwilioAuth& auth, Fault f) {
    const std::string who = "Twilio account '" + auth.account + "' (" + auth.account_sid + ")";
    switch (f) {
      case Fault::Unauthorized:
        return error(ErrorKind::Auth, 401, who + ": 401 Authenticate (code 20003)");
      case Fault::Transient:
        return error(ErrorKind::Transient, 503, who + ": 503 Service Unavailable", true);
      case Fault::Refuse:
        return error(ErrorKind::Invalid, 400, who + ": 400 Bad Request (code 21502)");
      case Fault::NotFound: return error(ErrorKind::NotFound, 404, who + ": 404 Not Found");
      default: return error(ErrorKind::Invalid, 400, who + ": fault");
    }
  }

  std::mutex mutex_;
  std::vector<Call> calls_;
};

// The engine's TwilioSource over a FakeTwilio: credentials for the accounts given (by mapping
// name), a throw naming the variable for any other, as the real source does.
class FakeTwilioSource final : public sync::TwilioSource {
 public:
  explicit FakeTwilioSource(FakeTwilio& api) : api_(api) {}
  std::map<std::string, TwilioCredentials> known;  // account name -> credentials
  int credential_requests = 0;
  int once_requests = 0;  // api(once = true): the early, single-attempt lists

  std::map<std::string, TwilioCredentials> credentials(
      const Desired& desired, const std::set<std::string>& accounts) override {
    ++credential_requests;
    std::map<std::string, TwilioCredentials> out;
    for (const std::string& name : accounts) {
      auto it = known.find(name);
      if (it == known.end()) {
        auto a = desired.twilio_accounts.find(name);
        const std::string env = a == desired.twilio_accounts.end() ? "?" : a->second.auth_token_env;
        throw std::runtime_error("Twilio account '" + name + "': " + env + " is not set");
      }
      out.emplace(name, it->second);
    }
    return out;
  }
  TwilioApi& api(bool once = false) override {
    once_requests += once;
    return api_;
  }

 private:
  FakeTwilio& api_;
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
  // campaign_intent throws, as a lost lock does.
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
  // Intents of this kind written so far ("import", "assign"); safe while a run goes on.
  int intents(const std::string& kind) {
    std::lock_guard<std::mutex> lock(mutex_);
    int n = 0;
    for (const auto& e : entries) n += e.kind == kind;
    return n;
  }
  // The campaign ledger, as the state keeps it: campaign -> recipient -> entry. Refuses an
  // intent for a recipient already sent, or unknown under another key, as the state does.
  std::map<std::string, CampaignLedger> ledger;
  std::vector<std::string> batch_keys;  // every request's key, in order
  void campaign_intent(const std::string& name, const std::string& campaign_digest,
                       const std::vector<CallIntent>& calls, const std::string& key) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (lock_lost) throw std::runtime_error("lost the lock");
    auto& l = ledger[name];
    for (const auto& c : calls) {
      auto it = l.find(c.key);
      if (it != l.end() && (it->second.status == CallStatus::Sent ||
                            (it->second.status == CallStatus::Unknown &&
                             !it->second.request_key.empty() && it->second.request_key != key)))
        throw std::runtime_error(c.key.str() + " is already recorded as dialled or unknown");
    }
    for (const auto& c : calls) l[c.key] = {CallStatus::Unknown, key, c.digest, campaign_digest};
    batch_keys.push_back(key);
  }
  void campaign_outcome(const std::string& name, const std::string& key, CallStatus status,
                        const std::string&, const std::string&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [k, e] : ledger[name])
      if (e.request_key == key && e.status == CallStatus::Unknown) e.status = status;
  }
  // The ledger as the store's view gives it to the planner.
  StateView view() const {
    StateView v;
    v.has_history = true;
    v.campaigns = ledger;
    return v;
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

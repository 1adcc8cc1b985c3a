#pragma once
// The engine's world for tests/test_sync_*.cpp: a temp-file SQLite state, an in-memory XUNA
// and Twilio (an import re-points the number at XUNA, as the real one does), a fake clock.
#include <memory>
#include <string>

#include "fakes.h"
#include "state/store.h"
#include "sync/lock.h"
#include "sync/session.h"
#include "temp_dir.h"

namespace xs::test {

inline const std::string kMainSid = "AC0123456789abcdef0123456789abcdef";
inline const std::string kSupport = "agent_support0000000000000001";
inline const std::string kSales = "agent_sales000000000000000002";
inline const std::string kIvr = "https://ivr.example.com/voice";
inline const std::string kXunaOrigin = "https://xuna.example";

struct SyncWorld {
  TempDir dir;
  std::string path = dir / "state.db";
  std::unique_ptr<state::Store> store = state::open_store(path);
  FakeXuna xuna;
  FakeTwilio twilio;
  FakeTwilioSource source{twilio};
  FakeClock clock;
  sync::Identity identity{4242, "testhost", [](int) { return true; }};
  sync::Target target{"https://api.xuna.example", "fp_test"};

  SyncWorld() {
    source.known["main"] = {kMainSid, Secret("tok_main")};
    xuna.on_import = [this](const ImportRequest& r) { twilio.repoint_at_xuna(r.phone_number); };
  }

  std::int64_t target_id() { return store->target(target.api_url, target.key_fingerprint); }

  // A mapping with account "main" (literal SID) and these numbers.
  static Desired desired(std::vector<DesiredNumber> numbers) {
    Desired d;
    TwilioAccount a;
    a.name = "main";
    a.account_sid = kMainSid;
    a.auth_token_env = "TWILIO_MAIN_TOKEN";
    d.twilio_accounts["main"] = a;
    d.numbers = std::move(numbers);
    return d;
  }
  static DesiredNumber number(const std::string& e164, const std::string& label,
                              const std::string& agent = "") {
    DesiredNumber n;
    n.phone_number = e164;
    n.label = label;
    n.agent_id = agent;
    n.agent_ref = agent;
    n.twilio_account = "main";
    // No probation fallback unless a test asks for one (tests/test_sync_probation.cpp): the
    // other tests count Twilio's updates of the cut-over and rollback alone.
    n.cutover.fallback = FallbackPolicy::None;
    return n;
  }

  sync::ApplyRequest request(Desired d) {
    sync::ApplyRequest r;
    r.desired = std::move(d);
    r.gather.plan.xuna_origin = kXunaOrigin;
    r.xuna_origin = kXunaOrigin;
    r.parallelism = 1;
    return r;
  }
  sync::ApplyResult apply(sync::ApplyRequest r, const sync::ApplyHooks& hooks = {}) {
    sync::ApplySession session(*store, xuna, source, clock, identity, target);
    return session.run(std::move(r), hooks);
  }
  sync::ApplyResult apply(Desired d) { return apply(request(std::move(d))); }
};

}  // namespace xs::test

#include "report/campaign_json.h"

#include <Poco/JSON/Object.h>

#include <ctime>

namespace xs {

std::string iso_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Poco::JSON::Array::Ptr campaigns_json(const std::vector<CampaignCounts>& campaigns) {
  using Poco::JSON::Object;
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const auto& c : campaigns) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("name", c.name);
    o->set("to_dial", c.to_dial);
    o->set("dialled", c.dialled);
    o->set("unknown", c.unknown);
    o->set("failed", c.failed);
    o->set("suppressed", c.suppressed);
    o->set("waiting", c.waiting);
    o->set("expired", c.expired);
    o->set("held", c.held);
    Object::Ptr zones = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [zone, n] : c.waiting_by_zone) zones->set(zone.empty() ? "UTC" : zone, n);
    o->set("waiting_by_zone", zones);
    o->set("last_call_at",
           c.last_call ? Poco::Dynamic::Var(iso_utc(*c.last_call)) : Poco::Dynamic::Var());
    out->add(o);
  }
  return out;
}

}  // namespace xs

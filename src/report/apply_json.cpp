#include "report/apply_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

#include "report/campaign_json.h"
#include "util/printable.h"

namespace xs {

std::string report_to_json(const ApplyReport& report, const std::string& api_url,
                           const std::vector<RoutingResult>& routing,
                           const std::vector<CampaignCounts>& campaigns) {
  using Poco::JSON::Array;
  using Poco::JSON::Object;
  Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  root->set("format_version", 1);
  root->set("api_url", api_url);
  Array::Ptr actions = new Array;
  for (const auto& r : report.results) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("action", std::string(to_string(r.action.kind)));
    o->set("phone_number", r.action.phone_number);
    if (r.action.kind == ActionKind::Assign) o->set("agent_id", r.action.agent_id);
    if (r.action.kind == ActionKind::Batch) {
      o->set("name", r.action.batch_name);
      o->set("suppressed", r.action.suppressed);  // left out of the requests (do-not-call)
    }
    o->set("outcome", std::string(to_string(r.outcome)));
    if (!r.phone_number_id.empty()) o->set("phone_number_id", r.phone_number_id);
    if (r.action.kind == ActionKind::Batch && r.outcome == Outcome::Ok) {
      Array::Ptr ids = new Array;
      for (const auto& id : r.batch_ids) ids->add(id);
      o->set("batch_ids", ids);
      o->set("calls_initiated", r.calls_initiated);
    }
    if (!r.error.empty()) o->set("error", r.error);
    if (!r.note.empty()) o->set("note", r.note);
    actions->add(o);
  }
  root->set("actions", actions);
  Array::Ptr checks = new Array;
  for (const auto& c : routing) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("phone_number", c.phone_number);
    o->set("routes_to_xuna", c.ok);
    if (!c.problem.empty()) o->set("problem", c.problem);
    checks->add(o);
  }
  root->set("routing_checks", checks);
  root->set("campaigns", campaigns_json(campaigns));
  Object::Ptr summary = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  summary->set("ok", report.ok);
  summary->set("failed", report.failed);
  summary->set("skipped", report.skipped);
  summary->set("unknown", report.unknown);
  if (!report.stopped.empty()) root->set("stopped", report.stopped);
  root->set("summary", summary);
  std::ostringstream out;
  root->stringify(out, 2);
  out << '\n';
  return json_printable(out.str());
}

}  // namespace xs

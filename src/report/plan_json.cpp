#include "report/plan_json.h"

#include "report/campaign_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <ctime>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "util/printable.h"

namespace xs {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr object() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::Dynamic::Var optional_text(const std::optional<std::string>& s) {
  return s ? Poco::Dynamic::Var(*s) : Poco::Dynamic::Var();
}

Object::Ptr routing_json(const TwilioRouting& r) {
  Object::Ptr o = object();
  o->set("sid", r.sid);
  for (const auto& [name, field] : routing_fields()) {
    const std::string& v = r.*field;
    o->set(name, v.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(mask_url_password(v)));
  }
  return o;
}

Object::Ptr action_json(const Action& a) {
  Object::Ptr o = object();
  o->set("action", std::string(to_string(a.kind)));
  o->set("phone_number", a.phone_number);
  switch (a.kind) {
    case ActionKind::Import:
      o->set("label", a.label);
      o->set("twilio_account", a.twilio_account);
      o->set("before", Poco::Dynamic::Var());  // absent from XUNA
      if (a.routing_before) o->set("routing_before", routing_json(*a.routing_before));
      break;
    case ActionKind::Assign:
      o->set("phone_number_id", a.phone_number_id.empty() ? Poco::Dynamic::Var()
                                                          : Poco::Dynamic::Var(a.phone_number_id));
      o->set("agent_id", a.agent_id);
      o->set("agent", a.agent_ref);
      o->set("before", optional_text(a.before));
      break;
    case ActionKind::Batch:
      o->set("name", a.batch_name);
      o->set("agent_id", a.agent_id);
      o->set("calls", a.calls);
      o->set("suppressed", a.suppressed);
      {
        Array::Ptr requests = new Array;
        for (const auto& r : a.requests) {
          Object::Ptr q = object();
          q->set("calls", static_cast<int>(r.calls.size()));
          q->set("zone", r.zone);
          q->set("resubmit", !r.key.empty());
          q->set("last_call_at", r.last_call ? Poco::Dynamic::Var(iso_utc(*r.last_call)) : Poco::Dynamic::Var());
          requests->add(q);
        }
        o->set("requests", requests);
      }
      break;
    case ActionKind::Rollback:
    case ActionKind::Undo:
    case ActionKind::Fallback: break;
  }
  return o;
}

std::string text(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->get(key).isEmpty()) return {};
  return o->get(key).convert<std::string>();
}

}  // namespace

std::string plan_to_json(const Plan& plan, const PlanHeader& header) {
  Object::Ptr root = object();
  root->set("format_version", 1);
  root->set("api_url", header.api_url);
  root->set("key_fingerprint", header.key_fingerprint);
  root->set("created_at", header.created_at);
  root->set("mapping_digest", header.mapping_digest);
  root->set("live_digest", header.live_digest);
  Array::Ptr sources = new Array;
  for (const auto& f : header.sources) sources->add(f);
  root->set("sources", sources);
  root->set("allow_routing_takeover", header.allow_routing_takeover);
  Object::Ptr selection = object();  // --only and --exclude: apply PLAN.json uses them again
  for (const auto& [key, patterns] : {std::pair{"only", &header.only},
                                      std::pair{"exclude", &header.exclude}}) {
    Array::Ptr list = new Array;
    for (const auto& p : *patterns) list->add(p);
    selection->set(key, list);
  }
  root->set("selection", selection);
  Array::Ptr actions = new Array;
  for (const auto& a : plan.actions) actions->add(action_json(a));
  root->set("actions", actions);
  Array::Ptr warnings = new Array;
  for (const auto& w : plan.warnings) {
    Object::Ptr o = object();
    o->set("kind", w.kind);
    o->set("phone_number", w.phone_number);
    o->set("message", w.message);
    warnings->add(o);
  }
  root->set("warnings", warnings);
  Array::Ptr errors = new Array;
  for (const auto& e : plan.errors) {
    Object::Ptr o = object();
    o->set("phone_number", e.phone_number);
    o->set("message", e.message);
    errors->add(o);
  }
  root->set("errors", errors);
  root->set("campaigns", campaigns_json(plan.campaigns));
  // The probation fallbacks (issue 22): what this run sets or clears, and what stays in place.
  Array::Ptr fallbacks = new Array;
  for (const auto& f : plan.fallbacks) {
    Object::Ptr o = object();
    o->set("phone_number", f.phone_number);
    o->set("change", std::string(f.kind == FallbackStep::Kind::Set ? "set" : "clear"));
    o->set("fallback_url", mask_url_password(f.url));
    o->set("fallback_method", f.method);
    o->set("probation_until", f.until.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(f.until));
    if (f.kind == FallbackStep::Kind::Set) o->set("after_import", f.with_import);
    fallbacks->add(o);
  }
  root->set("fallbacks", fallbacks);
  Array::Ptr probation = new Array;
  for (const auto& p : plan.probation) {
    Object::Ptr o = object();
    o->set("phone_number", p.phone_number);
    o->set("fallback_url", mask_url_password(p.url));
    o->set("probation_until", p.until.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(p.until));
    probation->add(o);
  }
  root->set("probation", probation);
  Object::Ptr summary = object();
  summary->set("import", plan.summary.imports);
  summary->set("assign", plan.summary.assigns);
  summary->set("batch", plan.summary.batches);
  summary->set("unchanged", plan.summary.unchanged);
  summary->set("unmanaged", plan.summary.unmanaged);
  summary->set("orphaned", plan.summary.orphaned);
  summary->set("deferred", plan.summary.deferred);
  summary->set("unselected", plan.summary.unselected);
  summary->set("in_probation", plan.summary.in_probation);
  summary->set("fallbacks_to_set", plan.summary.fallbacks_to_set);
  summary->set("fallbacks_to_clear", plan.summary.fallbacks_to_clear);
  root->set("summary", summary);
  std::ostringstream out;
  root->stringify(out, 2);
  out << '\n';
  return json_printable(out.str());
}

Plan plan_from_json(const std::string& json, PlanHeader& header) {
  Object::Ptr root;
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    Poco::Dynamic::Var v = parser.parse(json);
    if (v.type() == typeid(Object::Ptr)) root = v.extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("not a plan file: " + e.displayText());
  }
  if (!root || text(root, "format_version") != "1")
    throw std::runtime_error("not a plan file (format_version 1 expected)");
  try {
    header.api_url = text(root, "api_url");
    header.key_fingerprint = text(root, "key_fingerprint");
    header.created_at = text(root, "created_at");
    header.mapping_digest = text(root, "mapping_digest");
    header.live_digest = text(root, "live_digest");
    header.allow_routing_takeover = root->optValue<bool>("allow_routing_takeover", false);
    if (Object::Ptr selection = root->getObject("selection")) {
      for (const auto& [key, patterns] : {std::pair{"only", &header.only},
                                          std::pair{"exclude", &header.exclude}}) {
        if (Array::Ptr list = selection->getArray(key))
          for (std::size_t i = 0; i < list->size(); ++i)
            patterns->push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
      }
    }
    if (Array::Ptr sources = root->getArray("sources"))
      for (std::size_t i = 0; i < sources->size(); ++i)
        header.sources.push_back(sources->getElement<std::string>(static_cast<unsigned>(i)));
    Plan plan;
    Array::Ptr actions = root->getArray("actions");
    if (!actions) throw std::runtime_error("plan file has no actions list");
    for (std::size_t i = 0; i < actions->size(); ++i) {
      Object::Ptr o = actions->getObject(static_cast<unsigned>(i));
      if (!o) throw std::runtime_error("plan action " + std::to_string(i) + " is not an object");
      Action a;
      const std::string kind = text(o, "action");
      a.phone_number = text(o, "phone_number");
      if (kind == "import") {
        a.kind = ActionKind::Import;
        a.label = text(o, "label");
        a.twilio_account = text(o, "twilio_account");
        ++plan.summary.imports;
      } else if (kind == "assign") {
        a.kind = ActionKind::Assign;
        a.phone_number_id = text(o, "phone_number_id");
        a.agent_id = text(o, "agent_id");
        a.agent_ref = text(o, "agent");
        if (o->has("before") && !o->get("before").isEmpty()) a.before = text(o, "before");
        ++plan.summary.assigns;
      } else if (kind == "batch") {
        a.kind = ActionKind::Batch;
        a.batch_name = text(o, "name");
        a.agent_id = text(o, "agent_id");
        a.calls = o->optValue<int>("calls", 0);
        ++plan.summary.batches;
      } else {
        throw std::runtime_error("plan action " + std::to_string(i) + " has unknown kind '" +
                                 kind + "'");
      }
      plan.actions.push_back(std::move(a));
    }
    return plan;
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("malformed plan file: " + e.displayText());
  }
}

}  // namespace xs

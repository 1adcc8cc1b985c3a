#include "report/history_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

#include "util/printable.h"

namespace xs {

std::string history_to_json(const std::vector<RunWithActions>& runs) {
  using Poco::JSON::Array;
  using Poco::JSON::Object;
  Array::Ptr out = new Array;
  for (const auto& [run, actions] : runs) {
    Object::Ptr r = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    r->set("run", run.id);
    r->set("api_url", run.api_url);
    r->set("command", run.command);
    r->set("started_at", run.started_at);
    r->set("finished_at", run.finished_at);
    r->set("outcome", std::string(to_string(run.outcome)));
    Array::Ptr list = new Array;
    for (const auto& a : actions) {
      Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("kind", std::string(to_string(a.kind)));
      o->set("phone_number", a.phone_number);
      o->set("detail", a.detail);
      o->set("outcome", std::string(to_string(a.outcome)));
      if (!a.error.empty()) o->set("error", a.error);
      if (!a.phone_number_id.empty()) o->set("phone_number_id", a.phone_number_id);
      o->set("started_at", a.started_at);
      o->set("finished_at", a.finished_at);
      list->add(o);
    }
    r->set("actions", list);
    out->add(r);
  }
  std::ostringstream s;
  out->stringify(s, 2);
  s << '\n';
  return json_printable(s.str());
}

}  // namespace xs

#include "report/rollback_text.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

#include "report/escape.h"

namespace xs {

using Status = RollbackItem::Status;

std::string render_rollback_plan(const std::vector<RollbackItem>& items, bool undo,
                                 const Style& s) {
  std::ostringstream out;
  int changes = 0;
  for (const auto& i : items) {
    switch (i.status) {
      case Status::Change:
        ++changes;
        out << s.yellow(undo ? "  > re-point " : "  < restore  ") << i.phone_number << "  "
            << printable(describe_routing(i.now)) << " -> " << printable(describe_routing(i.wanted))
            << (i.forced ? "  (re-routed since the cut-over; --force)" : "") << '\n';
        break;
      case Status::Moved:
        out << s.red("  ! moved    ") << i.phone_number << "  " << printable(i.message) << '\n';
        break;
      case Status::Already:
        out << "  = already  " << i.phone_number << "  calls go to "
            << printable(describe_routing(i.now)) << '\n';
        break;
      case Status::Problem:
        out << s.red("  x error    ") << printable(i.phone_number) << "  " << printable(i.message)
            << '\n';
        break;
    }
  }
  out << (undo ? "Undo: " : "Rollback: ") << changes << " to change, "
      << (items.size() - static_cast<std::size_t>(changes)) << " not.\n";
  return out.str();
}

std::string render_rollback_report(const std::vector<RollbackItem>& items, const Style& s) {
  std::ostringstream out;
  int ok = 0, failed = 0;
  for (const auto& i : items) {
    if (i.outcome == Outcome::Ok) {
      ++ok;
      if (i.status == Status::Change)
        out << s.green("  ok  ") << i.phone_number << "  calls go to "
            << printable(describe_routing(i.wanted)) << '\n';
      continue;
    }
    ++failed;
    out << s.red(std::string("  ") + to_string(i.outcome) + "  ") << printable(i.phone_number)
        << ": " << printable(i.message) << '\n';
  }
  out << "Done: " << ok << " ok, " << failed << " not.\n";
  return out.str();
}

std::string rollback_to_json(const std::vector<RollbackItem>& items, bool undo) {
  using Poco::JSON::Array;
  using Poco::JSON::Object;
  Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  root->set("format_version", 1);
  root->set("undo", undo);
  Array::Ptr numbers = new Array;
  for (const auto& i : items) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("phone_number", i.phone_number);
    o->set("outcome", std::string(to_string(i.outcome)));
    o->set("changed", i.status == Status::Change && i.outcome == Outcome::Ok);
    if (i.status != Status::Problem) {
      o->set("routing_before", describe_routing(i.now));
      o->set("routing_after", describe_routing(i.wanted));
    }
    if (i.status == Status::Moved || i.forced) o->set("moved_since_cutover", true);
    if (!i.message.empty() && i.outcome != Outcome::Ok) o->set("error", i.message);
    numbers->add(o);
  }
  root->set("numbers", numbers);
  std::ostringstream out;
  root->stringify(out, 2);
  out << '\n';
  return json_printable(out.str());
}

}  // namespace xs

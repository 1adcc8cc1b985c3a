#include "report/ledger_report.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>
#include <sstream>

#include "report/escape.h"

namespace xs {
namespace {

// One CSV field: escaped like any text we print, kept from being read as a formula, quoted
// when it holds a comma or a quote.
std::string field(const std::string& raw) {
  std::string v = printable(raw);
  if (!v.empty() && (v[0] == '=' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  if (v.find_first_of(",\"") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string ledger_to_text(const std::string& campaign, const std::vector<LedgerRow>& rows) {
  std::ostringstream out;
  std::map<std::string, int> counts;
  for (const auto& [url, r] : rows) ++counts[to_string(r.status)];
  out << "Campaign " << printable(campaign) << ": " << rows.size()
      << (rows.size() == 1 ? " recipient" : " recipients") << " in the ledger";
  std::string parts;
  for (const auto& [status, n] : counts) parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + status;
  out << (parts.empty() ? "" : " (" + parts + ")") << ".\n";
  for (const auto& [url, r] : rows) {
    out << "  " << printable(r.key.str()) << "  " << to_string(r.status) << "  "
        << (r.batch_id.empty() ? "-" : printable(r.batch_id)) << "  " << printable(r.updated_at)
        << "  run " << r.run;
    if (!r.note.empty()) out << "  -- " << printable(r.note);
    out << '\n';
  }
  return out.str();
}

std::string ledger_to_csv(const std::vector<LedgerRow>& rows) {
  std::ostringstream out;
  out << "number,call,status,batch_id,time,run,request_key,note,api_url\r\n";
  for (const auto& [url, r] : rows) {
    out << field(r.key.recipient) << ',' << r.key.occurrence << ',' << to_string(r.status) << ','
        << field(r.batch_id) << ',' << field(r.updated_at) << ',' << r.run << ','
        << field(r.request_key) << ',' << field(r.note) << ',' << field(url) << "\r\n";
  }
  return out.str();
}

std::string ledger_to_json(const std::string& campaign, const std::vector<LedgerRow>& rows) {
  using Poco::JSON::Array;
  using Poco::JSON::Object;
  Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  root->set("campaign", campaign);
  Array::Ptr calls = new Array;
  for (const auto& [url, r] : rows) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("number", r.key.recipient);
    o->set("call", r.key.occurrence);
    o->set("status", std::string(to_string(r.status)));
    o->set("batch_id", r.batch_id);
    o->set("time", r.updated_at);
    o->set("run", r.run);
    o->set("request_key", r.request_key);
    o->set("note", r.note);
    o->set("api_url", url);
    calls->add(o);
  }
  root->set("calls", calls);
  std::ostringstream s;
  root->stringify(s, 2);
  s << '\n';
  return s.str();
}

}  // namespace xs

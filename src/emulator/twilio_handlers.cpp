#include "emulator/twilio_handlers.h"

#include "emulator/json_util.h"

#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

namespace xs::emu {

namespace {

using Poco::Dynamic::Var;

const std::string kApiRoot = "/2010-04-01";
const std::string kAccountsPrefix = "/2010-04-01/Accounts/";
const std::string kListSuffix = "/IncomingPhoneNumbers.json";
const std::string kDate = "Mon, 02 Jan 2023 15:04:05 +0000";  // fixed: output is reproducible
constexpr long long kMaxPageSize = 1000;
constexpr long long kDefaultPageSize = 50;
constexpr long long kMaxPage = 1'000'000'000;

// A parsed Twilio path: /2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json (the list,
// sid "") or /2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{sid}.json (one number).
struct TwilioRoute {
  std::string account;
  std::string sid;
};

std::optional<TwilioRoute> parseRoute(const std::string& path) {
  const std::string numbers = "/IncomingPhoneNumbers";
  if (path.compare(0, kAccountsPrefix.size(), kAccountsPrefix) != 0) return std::nullopt;
  const std::size_t slash = path.find('/', kAccountsPrefix.size());
  if (slash == std::string::npos || slash == kAccountsPrefix.size()) return std::nullopt;
  TwilioRoute route{path.substr(kAccountsPrefix.size(), slash - kAccountsPrefix.size()), ""};
  const std::string rest = path.substr(slash);
  if (rest == kListSuffix) return route;
  const std::string json = ".json";
  const std::string prefix = numbers + "/";
  if (rest.size() <= prefix.size() + json.size() || rest.compare(0, prefix.size(), prefix) != 0 ||
      rest.compare(rest.size() - json.size(), json.size(), json) != 0) {
    return std::nullopt;
  }
  route.sid = rest.substr(prefix.size(), rest.size() - prefix.size() - json.size());
  if (route.sid.find('/') != std::string::npos) return std::nullopt;
  return route;
}

Response notFound(const std::string& path) {
  return twilioError(404, 20404, "The requested resource " + path + " was not found");
}

Response unauthorized() {
  Response r = twilioError(401, 20003, "Authenticate");
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Twilio API\"");
  return r;
}

Response badParam(const std::string& message) { return twilioError(400, 20001, message); }

bool authenticated(const TwilioAccount* account, const ApiRequest& req) {
  if (!account || req.authorization.empty()) return false;
  std::string scheme, info;
  std::size_t space = req.authorization.find(' ');
  if (space == std::string::npos) return false;
  scheme = req.authorization.substr(0, space);
  info = Poco::trim(req.authorization.substr(space + 1));
  if (Poco::icompare(scheme, "Basic") != 0) return false;
  try {
    Poco::Net::HTTPBasicCredentials creds(info);
    return account->accepts(creds.getUsername(), creds.getPassword());
  } catch (...) {
    return false;
  }
}

std::optional<long long> parseNonNegative(const std::string& s) {
  if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(s);
}

// Twilio's partial match: the filter's digits (and '*' wildcards) appear in a row in the number.
bool phoneMatches(const std::string& phone, const std::string& pattern) {
  if (pattern.empty()) return true;
  if (pattern.size() > phone.size()) return false;
  for (std::size_t at = 0; at + pattern.size() <= phone.size(); ++at) {
    bool ok = true;
    for (std::size_t i = 0; ok && i < pattern.size(); ++i) {
      ok = pattern[i] == '*' || pattern[i] == phone[at + i];
    }
    if (ok) return true;
  }
  return false;
}

std::string encodeParam(const std::string& value) {
  std::string out;
  Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", out);
  return out;
}

Var orNull(const std::string& s) { return s.empty() ? Var() : Var(s); }

Var numberResource(const TwilioAccount& account, const TwilioNumber& n) {
  const NumberRouting& r = n.routing;
  const std::string uri = kAccountsPrefix + account.sid + "/IncomingPhoneNumbers/" + n.sid;
  auto caps = newObject();
  caps->set("voice", true);
  caps->set("sms", true);
  caps->set("mms", false);
  caps->set("fax", false);
  auto sub = newObject();
  sub->set("assigned_add_ons", uri + "/AssignedAddOns.json");
  auto o = newObject();
  o->set("account_sid", account.sid);
  o->set("address_requirements", "none");
  o->set("address_sid", Var());
  o->set("api_version", "2010-04-01");
  o->set("beta", false);
  o->set("capabilities", caps);
  o->set("date_created", kDate);
  o->set("date_updated", kDate);
  o->set("emergency_status", "Inactive");
  o->set("emergency_address_sid", Var());
  o->set("emergency_address_status", "unregistered");
  o->set("friendly_name", n.friendlyName);
  o->set("identity_sid", Var());
  o->set("origin", "twilio");
  o->set("phone_number", n.phone);
  o->set("sid", n.sid);
  o->set("sms_application_sid", "");
  o->set("sms_fallback_method", "POST");
  o->set("sms_fallback_url", "");
  o->set("sms_method", "POST");
  o->set("sms_url", "");
  o->set("status_callback", orNull(r.statusCallback));
  o->set("status_callback_method", r.statusCallbackMethod);
  o->set("trunk_sid", orNull(r.trunkSid));
  o->set("uri", uri + ".json");
  o->set("voice_application_sid", orNull(r.voiceApplicationSid));
  o->set("voice_caller_id_lookup", false);
  o->set("voice_fallback_method", r.voiceFallbackMethod);
  o->set("voice_fallback_url", orNull(r.voiceFallbackUrl));
  o->set("voice_method", r.voiceMethod);
  o->set("voice_url", orNull(r.voiceUrl));
  o->set("bundle_sid", Var());
  o->set("voice_receive_mode", r.voiceReceiveMode);
  o->set("status", "in-use");
  o->set("type", "local");
  o->set("subresource_uris", sub);
  return o;
}

// The number's resource JSON, rendered again only after a change; requires World::lock().
const std::string& itemJson(const TwilioAccount& account, const TwilioNumber& n) {
  if (n.json.empty()) n.json = toJson(numberResource(account, n));
  return n.json;
}

Response numberResponse(const TwilioAccount& account, const TwilioNumber& n) {
  Response r;
  r.body = itemJson(account, n);
  return r;
}

Response listNumbers(World& world, const TwilioAccount& account, const ApiRequest& req) {
  std::map<std::string, std::string> q;
  try {
    q = parseForm(req.rawQuery);
  } catch (...) {
    return badParam("Invalid query string");
  }
  long long pageSize = kDefaultPageSize;
  if (q.count("PageSize")) {
    auto v = parseNonNegative(q["PageSize"]);
    if (!v || *v < 1 || *v > kMaxPageSize) return badParam("PageSize must be an integer between 1 and 1000");
    pageSize = *v;
  }
  long long page = 0;
  bool hasPage = q.count("Page") > 0;
  if (hasPage) {
    auto v = parseNonNegative(q["Page"]);
    if (!v || *v > kMaxPage) return badParam("Page must be a non-negative integer");
    page = *v;
  }
  long long start = page * pageSize;
  std::string token;
  if (q.count("PageToken") && !q["PageToken"].empty()) {
    token = q["PageToken"];
    auto v = token.size() > 2 && token.compare(0, 2, "PT") == 0 ? parseNonNegative(token.substr(2)) : std::nullopt;
    if (!v) return badParam("Invalid PageToken");
    start = *v;
    if (!hasPage) page = start / pageSize;
  }

  // Filters: PhoneNumber (partial, digits and '*'), FriendlyName (exact).
  std::string filterQuery;
  std::string pattern;
  if (q.count("PhoneNumber")) {
    for (char c : q["PhoneNumber"]) {
      if ((c >= '0' && c <= '9') || c == '*') pattern += c;
    }
    filterQuery += "PhoneNumber=" + encodeParam(q["PhoneNumber"]) + "&";
  }
  std::optional<std::string> friendly;
  if (q.count("FriendlyName")) {
    friendly = q["FriendlyName"];
    filterQuery += "FriendlyName=" + encodeParam(*friendly) + "&";
  }
  std::vector<const TwilioNumber*> matched;
  matched.reserve(account.numbers.size());
  for (const auto& n : account.numbers) {
    if (!phoneMatches(n.phone.substr(1), pattern)) continue;
    if (friendly && n.friendlyName != *friendly) continue;
    matched.push_back(&n);
  }

  const long long total = static_cast<long long>(matched.size());
  const long long count = std::max(0LL, std::min(pageSize, total - start));

  const std::string base = kAccountsPrefix + account.sid + kListSuffix + "?" + filterQuery +
                           "PageSize=" + std::to_string(pageSize) + "&Page=";
  auto pageUri = [&](long long p, long long offset) {
    return base + std::to_string(p) + "&PageToken=PT" + std::to_string(offset);
  };
  auto out = newObject();
  out->set("end", count > 0 ? start + count - 1 : start);
  out->set("first_page_uri", base + "0");
  out->set("incoming_phone_numbers", newArray());
  out->set("next_page_uri", start + count < total ? Var(pageUri(page + 1, start + count)) : Var());
  out->set("page", page);
  out->set("page_size", pageSize);
  out->set("previous_page_uri",
           start > 0 ? Var(pageUri(page > 0 ? page - 1 : 0, start > pageSize ? start - pageSize : 0)) : Var());
  out->set("start", start);
  out->set("uri", base + std::to_string(page) + (token.empty() ? "" : "&PageToken=" + encodeParam(token)));
  Response r = jsonResponse(200, out);
  // The numbers go into the empty array as Poco rendered them when the fixture was loaded (or
  // after their routing last changed): rendering 1,000 of them per request took ~55 ms, on the
  // critical path of every preflight. Those changed since are copied under the lock and
  // rendered without it: Twilio's list does not hold up XUNA's requests (a list after a
  // cut-over of 1,000 numbers held the world ~40 ms, and every assign meanwhile).
  std::vector<std::string> rendered(static_cast<std::size_t>(count));
  std::vector<std::pair<std::size_t, TwilioNumber>> stale;
  {
    auto lock = world.lock();
    for (long long i = 0; i < count; ++i) {
      const TwilioNumber& n = *matched[static_cast<std::size_t>(start + i)];
      if (n.json.empty()) {
        TwilioNumber copy{n.sid, n.phone, n.friendlyName, n.routing, "", n.version};
        stale.emplace_back(static_cast<std::size_t>(i), std::move(copy));
      } else {
        rendered[static_cast<std::size_t>(i)] = n.json;
      }
    }
  }
  for (auto& [i, copy] : stale) rendered[i] = toJson(numberResource(account, copy));
  if (!stale.empty()) {
    auto lock = world.lock();
    for (const auto& [i, copy] : stale) {
      const TwilioNumber& n = *matched[static_cast<std::size_t>(start) + i];
      if (n.version == copy.version && n.json.empty()) n.json = rendered[i];
    }
  }
  std::string items;
  items.reserve(static_cast<std::size_t>(count) * 1400);
  for (std::size_t i = 0; i < rendered.size(); ++i) {
    if (i > 0) items += ',';
    items += rendered[i];
  }
  const std::string slot = "\"incoming_phone_numbers\":[";
  r.body.insert(r.body.find(slot) + slot.size(), items);
  return r;
}

// Twilio's update: the routing fields of the form (others ignored), checked, then applied
// with Twilio's precedence. Requires World::lock().
Response updateNumber(World& world, const TwilioAccount& account, TwilioNumber& n,
                      const ApiRequest& req) {
  if (!req.body.empty() && !isFormContentType(req.contentType)) {
    return badParam("The request body must be application/x-www-form-urlencoded");
  }
  std::map<std::string, std::string> form;
  try {
    form = parseForm(req.body);
  } catch (...) {
    return badParam("Invalid form body");
  }
  RoutingChange change;
  for (const RoutingField& f : routingFields()) {
    auto it = form.find(f.form);
    if (it != form.end()) change[f.key] = it->second;
  }
  NumberRouting routing = n.routing;
  if (auto error = applyRoutingChange(routing, change, /*formNames=*/true)) {
    return twilioError(400, error->code, error->message);
  }
  world.setRouting(n, routing);
  return numberResponse(account, n);
}

Response oneNumber(World& world, TwilioAccount& account, const ApiRequest& req,
                   const std::string& sid) {
  auto lock = world.lock();
  TwilioNumber* n = account.findSid(sid);
  if (!n) return notFound(req.path);
  if (req.method == "POST") return updateNumber(world, account, *n, req);
  return numberResponse(account, *n);
}

}  // namespace

void renderNumbers(TwilioAccount& account) {
  for (TwilioNumber& n : account.numbers) n.json = toJson(numberResource(account, n));
}

Poco::JSON::Object::Ptr adminTwilioItem(const TwilioAccount& account, const TwilioNumber& n) {
  auto o = newObject();
  o->set("account_sid", account.sid);
  o->set("sid", n.sid);
  o->set("phone_number", n.phone);
  o->set("friendly_name", n.friendlyName);
  for (const RoutingField& f : routingFields()) o->set(f.key, orNull(n.routing.*f.member));
  return o;
}

bool isInboundCallPath(const std::string& path) { return path == "/twilio/inbound_call"; }

Response handleInboundCall(const ApiRequest& req) {
  if (req.method != "POST" && req.method != "GET") {  // XUNA's endpoint: XUNA's error shape
    Response r = xunaDetail(405, "Method Not Allowed");
    r.headers.emplace_back("Allow", "GET, POST");
    return r;
  }
  Response r;
  r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>XUNA</Say></Response>";
  r.headers.emplace_back("Content-Type", "text/xml");
  return r;
}

bool isTwilioPath(const std::string& path) {
  return path == kApiRoot || path.compare(0, kApiRoot.size() + 1, kApiRoot + "/") == 0;
}

Response handleTwilio(World& world, const ApiRequest& req) {
  auto route = parseRoute(req.path);
  if (!route) return notFound(req.path);
  const bool list = route->sid.empty();
  if (req.method != "GET" && (list || req.method != "POST")) {
    Response r = twilioError(405, 20004, "Method not allowed");
    r.headers.emplace_back("Allow", list ? "GET" : "GET, POST");
    return r;
  }
  TwilioAccount* account = world.findAccount(route->account);
  if (!authenticated(account, req)) return unauthorized();
  if (list) return listNumbers(world, *account, req);
  return oneNumber(world, *account, req, route->sid);
}

}  // namespace xs::emu

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

// The account SID in /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json, or nullopt.
std::optional<std::string> listAccount(const std::string& path) {
  if (path.size() <= kAccountsPrefix.size() + kListSuffix.size()) return std::nullopt;
  if (path.compare(0, kAccountsPrefix.size(), kAccountsPrefix) != 0) return std::nullopt;
  if (path.compare(path.size() - kListSuffix.size(), kListSuffix.size(), kListSuffix) != 0) return std::nullopt;
  std::string sid = path.substr(kAccountsPrefix.size(), path.size() - kAccountsPrefix.size() - kListSuffix.size());
  if (sid.empty() || sid.find('/') != std::string::npos) return std::nullopt;
  return sid;
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

// Decoded query parameters (form rules: '+' is a space); the last of a repeated name wins.
std::map<std::string, std::string> queryParams(const std::string& raw) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= raw.size() && !raw.empty()) {
    std::size_t amp = raw.find('&', pos);
    std::string pair = raw.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      std::string name, value;
      Poco::URI::decode(pair.substr(0, eq), name, true);
      if (eq != std::string::npos) Poco::URI::decode(pair.substr(eq + 1), value, true);
      out[name] = value;
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
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

Var numberResource(const TwilioAccount& account, const TwilioNumber& n) {
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
  o->set("status_callback", "");
  o->set("status_callback_method", "POST");
  o->set("trunk_sid", Var());
  o->set("uri", uri + ".json");
  o->set("voice_application_sid", "");
  o->set("voice_caller_id_lookup", false);
  o->set("voice_fallback_method", "POST");
  o->set("voice_fallback_url", "");
  o->set("voice_method", "POST");
  o->set("voice_url", "");
  o->set("bundle_sid", Var());
  o->set("voice_receive_mode", "voice");
  o->set("status", "in-use");
  o->set("type", "local");
  o->set("subresource_uris", sub);
  return o;
}

Response listNumbers(const TwilioAccount& account, const ApiRequest& req) {
  std::map<std::string, std::string> q;
  try {
    q = queryParams(req.rawQuery);
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
  // The numbers go into the empty array as Poco rendered them when the fixture was loaded:
  // rendering 1,000 of them per request took ~55 ms, on the critical path of every preflight.
  std::string items;
  items.reserve(static_cast<std::size_t>(count) * 1400);
  for (long long i = 0; i < count; ++i) {
    if (i > 0) items += ',';
    items += matched[static_cast<std::size_t>(start + i)]->json;
  }
  const std::string slot = "\"incoming_phone_numbers\":[";
  r.body.insert(r.body.find(slot) + slot.size(), items);
  return r;
}

}  // namespace

void renderNumbers(TwilioAccount& account) {
  for (TwilioNumber& n : account.numbers) n.json = toJson(numberResource(account, n));
}

bool isTwilioPath(const std::string& path) {
  return path == kApiRoot || path.compare(0, kApiRoot.size() + 1, kApiRoot + "/") == 0;
}

Response handleTwilio(const World& world, const ApiRequest& req) {
  auto sid = listAccount(req.path);
  if (!sid) return twilioError(404, 20404, "The requested resource " + req.path + " was not found");
  if (req.method != "GET") {
    Response r = twilioError(405, 20004, "Method not allowed");
    r.headers.emplace_back("Allow", "GET");
    return r;
  }
  const TwilioAccount* account = world.findAccount(*sid);
  if (!authenticated(account, req)) return unauthorized();
  return listNumbers(*account, req);
}

}  // namespace xs::emu

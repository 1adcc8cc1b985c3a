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

// Appends the JSON of one IncomingPhoneNumber resource to out. Written by hand because a page
// of 1,000 built as Poco::JSON objects took ~55 ms; the bytes are the ones Object::stringify
// gave (same keys, order and escaping: every variable string goes through appendJsonString);
// tests/integration/test_emulator_twilio_page.py holds them to the letter.
void appendNumberResource(std::string& out, const TwilioAccount& account, const TwilioNumber& n) {
  const std::string uri = kAccountsPrefix + account.sid + "/IncomingPhoneNumbers/" + n.sid;
  out += R"({"account_sid":)";
  appendJsonString(out, account.sid);
  out += R"(,"address_requirements":"none","address_sid":null,"api_version":"2010-04-01",)"
         R"("beta":false,"capabilities":{"voice":true,"sms":true,"mms":false,"fax":false},)";
  out += R"("date_created":")" + kDate + R"(","date_updated":")" + kDate + R"(",)";
  out += R"("emergency_status":"Inactive","emergency_address_sid":null,)"
         R"("emergency_address_status":"unregistered","friendly_name":)";
  appendJsonString(out, n.friendlyName);
  out += R"(,"identity_sid":null,"origin":"twilio","phone_number":)";
  appendJsonString(out, n.phone);
  out += R"(,"sid":)";
  appendJsonString(out, n.sid);
  out += R"(,"sms_application_sid":"","sms_fallback_method":"POST","sms_fallback_url":"",)"
         R"("sms_method":"POST","sms_url":"","status_callback":"","status_callback_method":"POST",)"
         R"("trunk_sid":null,"uri":)";
  appendJsonString(out, uri + ".json");
  out += R"(,"voice_application_sid":"","voice_caller_id_lookup":false,)"
         R"("voice_fallback_method":"POST","voice_fallback_url":"","voice_method":"POST",)"
         R"("voice_url":"","bundle_sid":null,"voice_receive_mode":"voice","status":"in-use",)"
         R"("type":"local","subresource_uris":{"assigned_add_ons":)";
  appendJsonString(out, uri + "/AssignedAddOns.json");
  out += "}}";
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
  // The page as {"end","first_page_uri","incoming_phone_numbers","next_page_uri","page",
  // "page_size","previous_page_uri","start","uri"}, compact, in this order.
  Response r;
  std::string& out = r.body;
  out.reserve(static_cast<std::size_t>(count) * 1400 + 1024);
  out += R"({"end":)" + std::to_string(count > 0 ? start + count - 1 : start);
  out += R"(,"first_page_uri":)";
  appendJsonString(out, base + "0");
  out += R"(,"incoming_phone_numbers":[)";
  for (long long i = 0; i < count; ++i) {
    if (i > 0) out += ',';
    appendNumberResource(out, account, *matched[static_cast<std::size_t>(start + i)]);
  }
  out += R"(],"next_page_uri":)";
  if (start + count < total) {
    appendJsonString(out, pageUri(page + 1, start + count));
  } else {
    out += "null";
  }
  out += R"(,"page":)" + std::to_string(page);
  out += R"(,"page_size":)" + std::to_string(pageSize);
  out += R"(,"previous_page_uri":)";
  if (start > 0) {
    appendJsonString(out,
                     pageUri(page > 0 ? page - 1 : 0, start > pageSize ? start - pageSize : 0));
  } else {
    out += "null";
  }
  out += R"(,"start":)" + std::to_string(start);
  out += R"(,"uri":)";
  appendJsonString(
      out, base + std::to_string(page) + (token.empty() ? "" : "&PageToken=" + encodeParam(token)));
  out += '}';
  return r;
}

}  // namespace

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

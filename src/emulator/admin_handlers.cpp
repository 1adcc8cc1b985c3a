#include "emulator/admin_handlers.h"

#include "emulator/json_util.h"
#include "emulator/route_call.h"
#include "emulator/twilio_handlers.h"
#include "emulator/twilio_routing.h"
#include "emulator/xuna_handlers.h"

#include <Poco/NumberFormatter.h>

#include <cmath>
#include <map>
#include <stdexcept>

namespace xs::emu {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;

const std::string kRoot = "/_emulator";
const std::string kNumbersPrefix = "/_emulator/numbers/";
const std::string kTwilioNumbers = "/_emulator/twilio/numbers";

Response notAllowed(const std::string& allow) {
  Response r = xunaDetail(405, "Method Not Allowed");
  r.headers.emplace_back("Allow", allow);
  return r;
}

// A number as the admin endpoints show it: the list item, always with a flat agent_id,
// plus twilio_account_sid.
Object::Ptr adminItem(const World& world, const XunaNumber& n) {
  auto item = numberListItem(world, n);
  auto out = newObject();
  out->set("phone_number_id", n.id);
  out->set("phone_number", n.phone);
  out->set("label", n.label);
  out->set("agent_id", n.agentId ? Var(*n.agentId) : Var());
  if (item->has("assigned_agent")) out->set("assigned_agent", item->get("assigned_agent"));
  out->set("provider", item->get("provider"));
  out->set("twilio_account_sid", n.twilioAccountSid ? Var(*n.twilioAccountSid) : Var());
  return out;
}

struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Object::Ptr requireObject(const ApiRequest& req) {
  auto obj = req.bodyIsJson ? asObject(req.json) : nullptr;
  if (!obj) throw BadInput("Malformed JSON body: expected an object");
  return obj;
}

std::optional<std::string> optString(const Object::Ptr& obj, const std::string& key) {
  if (!obj->has(key)) return std::nullopt;
  Var v = obj->get(key);
  if (!isString(v)) throw BadInput(key + " must be a string");
  return v.extract<std::string>();
}

// absent -> nullopt; null -> optional(nullopt); string -> optional(string).
std::optional<std::optional<std::string>> optNullableString(const Object::Ptr& obj, const std::string& key) {
  if (!obj->has(key)) return std::nullopt;
  Var v = obj->get(key);
  if (v.isEmpty()) return std::optional<std::string>();
  if (!isString(v)) throw BadInput(key + " must be a string or null");
  return std::optional<std::string>(v.extract<std::string>());
}

Response listNumbers(World& world) {
  auto lock = world.lock();
  auto arr = newArray();
  for (const auto& n : world.numbers()) arr->add(adminItem(world, n));
  return jsonResponse(200, arr);
}

Response addNumber(World& world, const ApiRequest& req) {
  auto body = requireObject(req);
  auto phone = optString(body, "phone_number");
  auto label = optString(body, "label");
  if (!phone || phone->empty()) throw BadInput("phone_number is required");
  if (!label) throw BadInput("label is required");
  XunaNumber n;
  n.phone = *phone;
  n.label = *label;
  n.id = optString(body, "phone_number_id").value_or("");
  if (auto agent = optNullableString(body, "agent_id")) n.agentId = *agent;
  if (auto sid = optNullableString(body, "twilio_account_sid")) n.twilioAccountSid = *sid;
  auto lock = world.lock();
  try {
    return jsonResponse(201, adminItem(world, world.addNumber(n)));
  } catch (const std::invalid_argument& e) {
    return xunaDetail(409, e.what());
  }
}

Response changeNumber(World& world, const ApiRequest& req, const std::string& id) {
  auto body = requireObject(req);
  auto label = optString(body, "label");
  auto agent = optNullableString(body, "agent_id");
  auto lock = world.lock();
  const XunaNumber* n = world.updateNumber(id, label, agent);
  if (!n) return xunaDetail(404, "Phone number " + id + " not found");
  return jsonResponse(200, adminItem(world, *n));
}

// The account_sid=... of a raw query, or "".
std::string accountFilter(const std::string& rawQuery) {
  try {
    auto q = parseForm(rawQuery);
    auto it = q.find("account_sid");
    return it == q.end() ? "" : it->second;
  } catch (...) {
    throw BadInput("Malformed query string");
  }
}

Response listTwilioNumbers(World& world, const ApiRequest& req) {
  const std::string only = accountFilter(req.rawQuery);
  auto lock = world.lock();
  auto arr = newArray();
  for (const auto& [sid, account] : world.accounts) {
    if (!only.empty() && sid != only) continue;
    for (const auto& n : account.numbers) arr->add(adminTwilioItem(account, n));
  }
  return jsonResponse(200, arr);
}

// The Twilio number with this phone (in the account_sid of the query, if given); throws
// BadInput for an ambiguous phone. Requires world.lock().
std::pair<TwilioAccount*, TwilioNumber*> findTwilioNumber(World& world, const std::string& phone,
                                                          const std::string& only) {
  std::pair<TwilioAccount*, TwilioNumber*> found{nullptr, nullptr};
  for (auto& [sid, account] : world.accounts) {
    if (!only.empty() && sid != only) continue;
    if (TwilioNumber* n = account.findPhone(phone)) {
      if (found.second) {
        throw BadInput(phone + " is in several Twilio accounts: add ?account_sid=AC...");
      }
      found = {&account, n};
    }
  }
  return found;
}

// Reads or changes a Twilio number's routing as someone in the Twilio console would: the
// body's keys are the fixture's routing keys (string, or null to clear), checked and applied
// with Twilio's rules; an unknown key is refused.
Response twilioNumber(World& world, const ApiRequest& req, const std::string& phone) {
  RoutingChange change;
  if (req.method == "PUT") {
    auto body = requireObject(req);
    Object::NameList names;
    body->getNames(names);
    for (const auto& key : names) {
      bool known = false;
      for (const RoutingField& f : routingFields()) known = known || f.key == key;
      if (!known) throw BadInput("unknown routing field " + key);
      if (auto v = optNullableString(body, key)) change[key] = v->value_or("");
    }
  }
  const std::string only = accountFilter(req.rawQuery);
  auto lock = world.lock();
  auto [account, n] = findTwilioNumber(world, phone, only);
  if (!n) return xunaDetail(404, "No Twilio number " + phone);
  if (req.method == "PUT") {
    NumberRouting routing = n->routing;
    if (auto error = applyRoutingChange(routing, change, /*formNames=*/false)) {
      throw BadInput(error->message);
    }
    world.setRouting(*n, routing);
  }
  return jsonResponse(200, adminTwilioItem(*account, *n));
}

// Where an inbound call to a Twilio number goes (issue 22): body {"phone_number",
// "xuna_answers": true|false, "account_sid"?}.
Response routeCallTo(World& world, const ApiRequest& req) {
  auto body = requireObject(req);
  auto phone = optString(body, "phone_number");
  if (!phone || phone->empty()) throw BadInput("phone_number is required");
  if (!body->has("xuna_answers") || !body->get("xuna_answers").isBoolean())
    throw BadInput("xuna_answers (true or false) is required");
  const bool answers = body->get("xuna_answers").extract<bool>();
  const std::string only = optString(body, "account_sid").value_or("");
  auto lock = world.lock();
  auto [account, n] = findTwilioNumber(world, *phone, only);
  if (!n) return xunaDetail(404, "No Twilio number " + *phone);
  const CallRoute route = routeCall(n->routing, world.inboundCallUrl, answers);
  auto o = newObject();
  o->set("phone_number", n->phone);
  o->set("reaches", route.reaches);
  o->set("url", route.url.empty() ? Var() : Var(route.url));
  o->set("sid", route.sid.empty() ? Var() : Var(route.sid));
  return jsonResponse(200, o);
}

Response listBatches(World& world) {
  auto lock = world.lock();
  auto arr = newArray();
  for (const auto& b : world.batches()) {
    auto o = newObject();
    o->set("batch_id", b.id);
    o->set("body", b.body);
    o->set("idempotency_key", b.idempotencyKey ? Var(*b.idempotencyKey) : Var());
    arr->add(o);
  }
  return jsonResponse(200, arr);
}

// How often each number was dialled: every call of every accepted batch (a batch accepted
// again under a key that was not honoured counts again).
Response listDials(World& world) {
  auto lock = world.lock();
  std::map<std::string, int> dials;
  for (const auto& b : world.batches()) {
    try {
      auto body = b.body.extract<Poco::JSON::Object::Ptr>();
      auto calls = body->getArray("calls");
      for (std::size_t i = 0; calls && i < calls->size(); ++i) {
        auto call = calls->getObject(static_cast<unsigned>(i));
        if (call) ++dials[call->getValue<std::string>("to_phone_number")];
      }
    } catch (const std::exception&) {  // validated before it was accepted: cannot happen
    }
  }
  auto o = newObject();
  for (const auto& [number, n] : dials) o->set(number, n);
  return jsonResponse(200, o);
}

Var faultsJson(const FaultConfig& c) {
  auto o = newObject();
  o->set("latency_ms", c.latencyMs);
  o->set("rate_limit_rps", c.rateLimitRps);
  o->set("error_rate", c.errorRate);
  o->set("drop_rate", c.dropRate);
  o->set("slow_rate", c.slowRate);
  o->set("slow_ms", c.slowMs);
  o->set("seed", c.seed);
  o->set("honour_idempotency", c.honourIdempotency);
  o->set("batch_answer", c.batchAnswer);
  return o;
}

double number(const Object::Ptr& obj, const std::string& key, double lo, double hi) {
  Var v = obj->get(key);
  if (!isNumber(v)) throw BadInput(key + " must be a number");
  double d = v.convert<double>();
  if (!std::isfinite(d) || d < lo || d > hi) {
    throw BadInput(key + " must be between " + Poco::NumberFormatter::format(lo) + " and " +
                   Poco::NumberFormatter::format(hi));
  }
  return d;
}

Response setFaults(Faults& faults, const ApiRequest& req) {
  auto body = requireObject(req);
  FaultConfig c = faults.config();
  bool reseed = false;
  Object::NameList names;
  body->getNames(names);
  for (const auto& key : names) {
    if (key == "latency_ms") {
      c.latencyMs = static_cast<int>(number(body, key, 0, 600000));
    } else if (key == "rate_limit_rps") {
      c.rateLimitRps = number(body, key, 0, 1e9);
    } else if (key == "error_rate") {
      c.errorRate = number(body, key, 0, 1);
    } else if (key == "drop_rate") {
      c.dropRate = number(body, key, 0, 1);
    } else if (key == "slow_rate") {
      c.slowRate = number(body, key, 0, 1);
    } else if (key == "slow_ms") {
      c.slowMs = static_cast<int>(number(body, key, 0, 600000));
    } else if (key == "seed") {
      Var v = body->get(key);
      if (!isNumber(v) || !v.isInteger() || v.convert<double>() < 0) throw BadInput("seed must be a non-negative integer");
      c.seed = v.convert<Poco::UInt64>();
      reseed = true;
    } else if (key == "honour_idempotency") {
      Var v = body->get(key);
      if (!v.isBoolean()) throw BadInput("honour_idempotency must be true or false");
      c.honourIdempotency = v.convert<bool>();
    } else if (key == "batch_answer") {
      Var v = body->get(key);
      if (!v.isString() || !validBatchAnswer(v.convert<std::string>()))
        throw BadInput("batch_answer must be json, empty, id-only, text, error or short");
      c.batchAnswer = v.convert<std::string>();
    } else {
      throw BadInput("unknown fault setting " + key);
    }
  }
  faults.reconfigure(c, reseed);
  return jsonResponse(200, faultsJson(faults.config()));
}

Response route(Services& s, const ApiRequest& req) {
  const std::string& m = req.method;
  const std::string& p = req.path;
  if (p == kRoot + "/requests") {
    if (m == "GET") {
      Response r;
      r.body = s.log.toJsonText();
      return r;
    }
    if (m == "DELETE") {
      s.log.clear();
      auto o = newObject();
      o->set("cleared", true);
      return jsonResponse(200, o);
    }
    return notAllowed("GET, DELETE");
  }
  if (p == kRoot + "/numbers") {
    if (m == "GET") return listNumbers(s.world);
    if (m == "POST") return addNumber(s.world, req);
    return notAllowed("GET, POST");
  }
  if (p.size() > kNumbersPrefix.size() && p.compare(0, kNumbersPrefix.size(), kNumbersPrefix) == 0 &&
      p.find('/', kNumbersPrefix.size()) == std::string::npos) {
    if (m == "PUT") return changeNumber(s.world, req, p.substr(kNumbersPrefix.size()));
    return notAllowed("PUT");
  }
  if (p == kTwilioNumbers) {
    if (m == "GET") return listTwilioNumbers(s.world, req);
    return notAllowed("GET");
  }
  const std::string twilioPrefix = kTwilioNumbers + "/";
  if (p.size() > twilioPrefix.size() && p.compare(0, twilioPrefix.size(), twilioPrefix) == 0 &&
      p.find('/', twilioPrefix.size()) == std::string::npos) {
    if (m == "GET" || m == "PUT") return twilioNumber(s.world, req, p.substr(twilioPrefix.size()));
    return notAllowed("GET, PUT");
  }
  if (p == kRoot + "/route-call") {
    if (m == "POST") return routeCallTo(s.world, req);
    return notAllowed("POST");
  }
  if (p == kRoot + "/batches") {
    if (m == "GET") return listBatches(s.world);
    return notAllowed("GET");
  }
  if (p == kRoot + "/dials") {
    if (m == "GET") return listDials(s.world);
    return notAllowed("GET");
  }
  if (p == kRoot + "/stats") {
    if (m != "GET") return notAllowed("GET");
    auto o = newObject();
    o->set("connections", s.totalConnections ? s.totalConnections() : 0);
    o->set("requests", s.log.total());
    return jsonResponse(200, o);
  }
  if (p == kRoot + "/faults") {
    if (m == "GET") return jsonResponse(200, faultsJson(s.faults.config()));
    if (m == "POST") return setFaults(s.faults, req);
    return notAllowed("GET, POST");
  }
  return xunaDetail(404, "Not Found");
}

}  // namespace

bool isAdminPath(const std::string& path) {
  return path == kRoot || path.compare(0, kRoot.size() + 1, kRoot + "/") == 0;
}

Response handleAdmin(Services& services, const ApiRequest& req) {
  try {
    return route(services, req);
  } catch (const BadInput& e) {
    return xunaDetail(400, e.what());
  }
}

}  // namespace xs::emu

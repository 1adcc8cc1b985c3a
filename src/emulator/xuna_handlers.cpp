#include "emulator/xuna_handlers.h"

#include "emulator/json_util.h"
#include "emulator/validation.h"

namespace xs::emu {

namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;

const std::string kCollection = "/v1/convai/phone-numbers";
const std::string kBatchPath = "/v1/convai/phone-numbers/batch-calls";

enum class Route { List, Import, Assign, Batch, NotFound, NotAllowed };

struct Routed {
  Route route = Route::NotFound;
  std::string id;     // Assign: the phone_number_id from the path
  std::string allow;  // NotAllowed: the Allow header
};

Routed route(const ApiRequest& req) {
  const std::string& m = req.method;
  if (req.path == kCollection) {
    if (m == "GET") return {Route::List, "", ""};
    if (m == "POST") return {Route::Import, "", ""};
    return {Route::NotAllowed, "", "GET, POST"};
  }
  if (req.path == kBatchPath) {
    if (m == "POST") return {Route::Batch, "", ""};
    return {Route::NotAllowed, "", "POST"};
  }
  const std::string prefix = kCollection + "/";
  if (req.path.size() > prefix.size() && req.path.compare(0, prefix.size(), prefix) == 0 &&
      req.path.find('/', prefix.size()) == std::string::npos) {
    if (m == "PATCH") return {Route::Assign, req.path.substr(prefix.size()), ""};
    return {Route::NotAllowed, "", "PATCH"};
  }
  return {};
}

Response malformed() { return xunaDetail(400, "Malformed JSON body"); }

Object::Ptr bodyObject(const ApiRequest& req) { return req.bodyIsJson ? asObject(req.json) : nullptr; }

// The JSON array of all numbers, built from each number's cached item JSON (rendered by
// Poco::JSON once per change), so listing 10,000 numbers stays cheap.
Response list(const World& world) {
  Response r;
  std::size_t size = 2;
  for (const auto& n : world.numbers()) {
    if (n.itemJsonCache.empty()) n.itemJsonCache = toJson(numberListItem(world, n));
    size += n.itemJsonCache.size() + 1;
  }
  r.body.reserve(size);
  r.body += '[';
  for (const auto& n : world.numbers()) {
    if (r.body.size() > 1) r.body += ',';
    r.body += n.itemJsonCache;
  }
  r.body += ']';
  return r;
}

// "XUNA AI configures the number's webhook automatically": the Twilio number's voice URL
// now points at this emulator (unless --no-twilio-repoint); an application or a trunk stays.
void repointTwilio(World& world, const std::string& accountSid, const std::string& phone) {
  if (world.inboundCallUrl.empty()) return;
  TwilioAccount* account = world.findAccount(accountSid);
  TwilioNumber* n = account ? account->findPhone(phone) : nullptr;
  if (!n) return;
  NumberRouting routing = n->routing;
  routing.voiceUrl = world.inboundCallUrl;
  routing.voiceMethod = "POST";
  world.setRouting(*n, routing);
}

Response import(World& world, const ApiRequest& req) {
  auto body = bodyObject(req);
  if (!body) return malformed();
  Validator v;
  std::string label = v.requireString(body, "label", {"body"});
  std::string phone = v.requireE164(body, "phone_number", {"body"});
  std::string sid = v.requireString(body, "twilio_account_sid", {"body"});
  std::string token = v.requireString(body, "twilio_auth_token", {"body"});
  if (!v.ok()) return v.response();

  const TwilioAccount* account = world.findAccount(sid);
  if (!account || account->authToken != token) {
    return xunaError(400, "twilio_auth_failed", "Twilio credentials for " + sid + " are invalid");
  }
  if (!account->owns(phone)) {
    return xunaError(400, "phone_number_not_owned", "Twilio account " + sid + " does not own " + phone);
  }
  if (world.findByPhone(phone)) {
    return xunaError(409, "phone_number_already_exists", "Phone number " + phone + " is already imported");
  }
  XunaNumber fresh;
  fresh.phone = phone;
  fresh.label = label;
  fresh.twilioAccountSid = sid;
  const XunaNumber& added = world.addNumber(std::move(fresh));
  repointTwilio(world, sid, phone);
  auto out = newObject();
  out->set("phone_number_id", added.id);
  return jsonResponse(200, out);
}

Response assign(World& world, const ApiRequest& req, const std::string& id) {
  auto body = bodyObject(req);
  if (!body) return malformed();
  Validator v;
  std::string agent = v.requireString(body, "agent_id", {"body"});
  if (!v.ok()) return v.response();
  if (!world.findById(id)) {
    return xunaError(404, "phone_number_not_found", "Phone number " + id + " not found");
  }
  if (!world.isAgent(agent)) return xunaError(404, "agent_not_found", "Agent " + agent + " not found");
  const XunaNumber* n = world.updateNumber(id, std::nullopt, std::optional<std::string>(agent));
  return jsonResponse(200, numberListItem(world, *n));
}

Response batch(World& world, const ApiRequest& req) {
  auto body = bodyObject(req);
  if (!body) return malformed();
  Validator v;
  std::string agent = v.requireString(body, "agent_id", {"body"});
  std::string from = v.requireString(body, "from_phone_number_id", {"body"});
  std::size_t callCount = 0;
  if (!body->has("calls")) {
    v.add({"body", "calls"}, "Field required", "missing");
  } else if (auto calls = asArray(body->get("calls")); !calls) {
    v.add({"body", "calls"}, "Input should be a valid list", "list_type");
  } else if (calls->size() == 0) {
    v.add({"body", "calls"}, "List should have at least 1 item after validation, not 0", "too_short");
  } else {
    callCount = calls->size();
    for (std::size_t i = 0; i < calls->size(); ++i) {
      Var idx(static_cast<int>(i));
      auto call = asObject(calls->get(i));
      if (!call) {
        v.add({"body", "calls", idx}, "Input should be a valid dictionary or object to extract fields from",
              "model_attributes_type");
        continue;
      }
      v.requireE164(call, "to_phone_number", {"body", "calls", idx});
      if (call->has("conversation_config_override")) {
        Var o = call->get("conversation_config_override");
        if (!o.isEmpty() && !asObject(o)) {
          v.add({"body", "calls", idx, "conversation_config_override"}, "Input should be a valid dictionary",
                "dict_type");
        }
      }
    }
  }
  if (!v.ok()) return v.response();
  if (!world.isAgent(agent)) return xunaError(404, "agent_not_found", "Agent " + agent + " not found");
  if (!world.findById(from)) {
    return xunaError(404, "phone_number_not_found", "Phone number " + from + " not found");
  }
  std::optional<std::string> key;
  if (req.hasIdempotencyKey) key = req.idempotencyKey;
  std::string batchId = world.addBatch(redactSecrets(req.json), key);
  auto out = newObject();
  out->set("batch_id", batchId);
  out->set("calls_initiated", static_cast<Poco::UInt64>(callCount));
  return jsonResponse(200, out);
}

// An accepted batch answered as a server the client cannot read would (FaultConfig::batchAnswer).
Response batchAnswer(Response accepted, const std::string& mode) {
  if (accepted.status != 200 || mode == "json") return accepted;
  Response r;
  if (mode == "empty") {
    r.status = 202;
  } else if (mode == "id-only") {
    r = accepted;
    r.body = "{\"id\":\"job_" + std::to_string(accepted.body.size()) + "\"}";
  } else if (mode == "text") {
    r.status = 200;
    r.body = "OK";  // with the usual JSON content type, as a careless proxy would
  } else if (mode == "error") {
    r = xunaDetail(500, "Internal Server Error");
  } else if (mode == "short") {
    r = accepted;
    const auto at = r.body.find("\"calls_initiated\":");
    if (at != std::string::npos) {
      const auto begin = at + 18;
      const auto end = r.body.find_first_not_of("0123456789", begin);
      const long long n = std::stoll(r.body.substr(begin, end - begin));
      r.body.replace(begin, end - begin, std::to_string(n > 0 ? n - 1 : 0));
    }
  }
  return r;
}

Response dispatch(World& world, const ApiRequest& req, const Routed& r) {
  switch (r.route) {
    case Route::List: return list(world);
    case Route::Import: return import(world, req);
    case Route::Assign: return assign(world, req, r.id);
    case Route::Batch: return batch(world, req);
    default: return xunaDetail(404, "Not Found");
  }
}

}  // namespace

Object::Ptr numberListItem(const World& world, const XunaNumber& n) {
  auto item = newObject();
  item->set("phone_number_id", n.id);
  item->set("phone_number", n.phone);
  item->set("label", n.label);
  if (world.listShape == ListShape::AssignedAgent) {
    if (n.agentId) {
      auto agent = newObject();
      agent->set("agent_id", *n.agentId);
      agent->set("agent_name", "Agent " + *n.agentId);
      item->set("assigned_agent", agent);
    } else {
      item->set("assigned_agent", Var());
    }
  } else {
    item->set("agent_id", n.agentId ? Var(*n.agentId) : Var());
  }
  item->set("provider", "twilio");
  return item;
}

void warmListCache(World& world) {
  auto lock = world.lock();
  list(world);
}

Response handleXuna(World& world, const ApiRequest& req, const FaultConfig& faults) {
  Routed r = route(req);
  if (r.route == Route::NotFound) return xunaDetail(404, "Not Found");
  if (r.route == Route::NotAllowed) {
    Response resp = xunaDetail(405, "Method Not Allowed");
    resp.headers.emplace_back("Allow", r.allow);
    return resp;
  }
  if (!req.hasApiKey || !world.isApiKey(req.apiKey)) {
    return xunaError(401, "invalid_api_key", "Invalid API key");
  }
  auto lock = world.lock();
  const bool idempotent = faults.honourIdempotency && req.hasIdempotencyKey &&
                          (req.method == "POST" || req.method == "PATCH");
  if (idempotent) {
    if (const Response* cached = world.idempotentResponse(req.idempotencyKey)) {
      Response replay = *cached;
      replay.headers.emplace_back("Idempotent-Replayed", "true");
      return replay;
    }
  }
  Response resp = dispatch(world, req, r);
  if (r.route == Route::Batch) resp = batchAnswer(std::move(resp), faults.batchAnswer);
  if (idempotent && resp.status < 500) world.rememberResponse(req.idempotencyKey, resp);
  return resp;
}

}  // namespace xs::emu

#include "emulator/fixture.h"

#include "emulator/ids.h"
#include "emulator/json_util.h"
#include "emulator/twilio_handlers.h"
#include "emulator/validation.h"

#include <fstream>
#include <limits>
#include <sstream>

namespace xs::emu {

namespace {

constexpr std::int64_t kMaxGenerated = 5'000'000;

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw FixtureError(where + ": " + what);
}

Object::Ptr objectAt(const Var& v, const std::string& where) {
  auto obj = asObject(v);
  if (!obj) fail(where, "must be a JSON object");
  return obj;
}

Array::Ptr optArray(const Object::Ptr& obj, const std::string& key, const std::string& where) {
  if (!obj->has(key) || obj->get(key).isEmpty()) return nullptr;
  auto arr = asArray(obj->get(key));
  if (!arr) fail(where + key, "must be an array");
  return arr;
}

std::optional<std::string> optString(const Object::Ptr& obj, const std::string& key,
                                     const std::string& where) {
  if (!obj->has(key) || obj->get(key).isEmpty()) return std::nullopt;
  Var v = obj->get(key);
  if (!isString(v)) fail(where + key, "must be a string");
  return v.extract<std::string>();
}

std::string reqString(const Object::Ptr& obj, const std::string& key, const std::string& where) {
  auto s = optString(obj, key, where);
  if (!s || s->empty()) fail(where + key, "required non-empty string");
  return *s;
}

std::int64_t optInt(const Object::Ptr& obj, const std::string& key, const std::string& where,
                    std::int64_t dflt) {
  if (!obj->has(key) || obj->get(key).isEmpty()) return dflt;
  Var v = obj->get(key);
  if (!isNumber(v)) fail(where + key, "must be an integer");
  double d = v.convert<double>();
  if (d < 0 || d > 1e15 || d != static_cast<double>(static_cast<std::int64_t>(d))) {
    fail(where + key, "must be a non-negative integer");
  }
  return static_cast<std::int64_t>(d);
}

std::string e164(const Object::Ptr& obj, const std::string& key, const std::string& where) {
  std::string s = reqString(obj, key, where);
  if (!isE164(s)) fail(where + key, "\"" + s + "\" is not a strict E.164 number");
  return s;
}

std::string replaceAll(std::string text, const std::string& what, const std::string& with) {
  for (std::size_t pos = 0; (pos = text.find(what, pos)) != std::string::npos; pos += with.size()) {
    text.replace(pos, what.size(), with);
  }
  return text;
}

// A run of generated numbers: prefix + (start+i) zero-padded to `length` characters in total.
struct Generator {
  std::string prefix;
  std::int64_t start = 0;
  std::int64_t count = 0;
  std::size_t width = 0;

  static Generator read(const Object::Ptr& g, const std::string& where) {
    Generator gen;
    gen.prefix = reqString(g, "prefix", where);
    gen.start = optInt(g, "start", where, 0);
    gen.count = optInt(g, "count", where, 0);
    std::int64_t length = optInt(g, "length", where, 12);
    if (gen.count > kMaxGenerated) fail(where + "count", "at most " + std::to_string(kMaxGenerated));
    if (length <= static_cast<std::int64_t>(gen.prefix.size())) fail(where + "length", "longer than prefix needed");
    gen.width = static_cast<std::size_t>(length) - gen.prefix.size();
    if (gen.count > 0 && std::to_string(gen.start + gen.count - 1).size() > gen.width) {
      fail(where + "count", "start+count-1 does not fit in " + std::to_string(gen.width) + " digits");
    }
    if (gen.count > 0 && !isE164(phone(gen, 0))) fail(where + "prefix", "does not give E.164 numbers");
    return gen;
  }

  static std::string phone(const Generator& gen, std::int64_t i) {
    std::string digits = std::to_string(gen.start + i);
    return gen.prefix + std::string(gen.width - digits.size(), '0') + digits;
  }
};

// The routing keys of a Twilio number (or of a generate block): each optional, null = empty.
// Values are checked as Twilio's update checks them, but an application and a trunk may
// both be set, so a fixture can hold any state.
NumberRouting readRouting(const Object::Ptr& obj, const std::string& where) {
  NumberRouting routing;
  for (const RoutingField& f : routingFields()) {
    auto value = optString(obj, f.key, where);
    if (!value) continue;
    if (auto error = checkRoutingValue(f, f.key, *value)) fail(where + f.key, error->message);
    routing.*f.member = *value;
  }
  return routing;
}

void loadTwilioAccount(const Object::Ptr& acc, const std::string& where, World& world) {
  TwilioAccount account;
  account.sid = reqString(acc, "account_sid", where);
  account.authToken = reqString(acc, "auth_token", where);
  if (world.accounts.count(account.sid)) fail(where + "account_sid", "duplicate account " + account.sid);

  if (auto keys = optArray(acc, "api_keys", where)) {
    for (std::size_t i = 0; i < keys->size(); ++i) {
      std::string w = where + "api_keys[" + std::to_string(i) + "].";
      auto key = objectAt(keys->get(i), w);
      account.apiKeys.push_back({reqString(key, "sid", w), reqString(key, "secret", w)});
    }
  }
  if (auto numbers = optArray(acc, "numbers", where)) {
    for (std::size_t i = 0; i < numbers->size(); ++i) {
      std::string w = where + "numbers[" + std::to_string(i) + "].";
      auto n = objectAt(numbers->get(i), w);
      TwilioNumber tn;
      tn.phone = e164(n, "phone_number", w);
      tn.friendlyName = optString(n, "friendly_name", w).value_or(tn.phone);
      tn.sid = optString(n, "sid", w).value_or(derivedSid("PN", account.sid + tn.phone));
      tn.routing = readRouting(n, w);
      account.numbers.push_back(tn);
    }
  }
  if (acc->has("generate") && !acc->get("generate").isEmpty()) {
    std::string w = where + "generate.";
    auto g = objectAt(acc->get("generate"), w);
    Generator gen = Generator::read(g, w);
    std::string nameTemplate = optString(g, "friendly_name", w).value_or("{n}");
    const NumberRouting routing = readRouting(g, w);
    account.numbers.reserve(account.numbers.size() + static_cast<std::size_t>(gen.count));
    for (std::int64_t i = 0; i < gen.count; ++i) {
      TwilioNumber tn;
      tn.phone = Generator::phone(gen, i);
      tn.friendlyName = replaceAll(nameTemplate, "{n}", tn.phone);
      tn.sid = derivedSid("PN", account.sid + tn.phone);
      tn.routing = routing;
      account.numbers.push_back(std::move(tn));
    }
  }
  std::string dup = account.sortNumbers();
  if (!dup.empty()) fail(where + "numbers", dup);
  renderNumbers(account);
  std::string sid = account.sid;
  world.accounts.emplace(sid, std::move(account));
}

std::optional<std::string> optAgent(const Object::Ptr& obj, const std::string& where) {
  return optString(obj, "agent_id", where);
}

void addXunaNumber(World& world, XunaNumber n, const std::string& where) {
  try {
    world.addNumber(std::move(n));
  } catch (const std::invalid_argument& e) {
    fail(where, e.what());
  }
}

}  // namespace

void loadFixture(const std::string& path, World& world) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FixtureError("cannot read fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parseJson(text.str());
  if (!parsed) throw FixtureError("fixture " + path + " is not valid JSON");
  try {
    auto root = objectAt(*parsed, "fixture");
    if (auto keys = optArray(root, "api_keys", "")) {
      for (std::size_t i = 0; i < keys->size(); ++i) {
        Var v = keys->get(i);
        if (!isString(v)) fail("api_keys[" + std::to_string(i) + "]", "must be a string");
        world.apiKeys.insert(v.extract<std::string>());
      }
    }
    if (auto agents = optArray(root, "agents", "")) {
      for (std::size_t i = 0; i < agents->size(); ++i) {
        Var v = agents->get(i);
        if (!isString(v)) fail("agents[" + std::to_string(i) + "]", "must be a string");
        world.agents.insert(v.extract<std::string>());
      }
    }
    if (auto accounts = optArray(root, "twilio_accounts", "")) {
      for (std::size_t i = 0; i < accounts->size(); ++i) {
        std::string w = "twilio_accounts[" + std::to_string(i) + "].";
        loadTwilioAccount(objectAt(accounts->get(i), w), w, world);
      }
    }
    auto lock = world.lock();
    if (auto numbers = optArray(root, "numbers", "")) {
      for (std::size_t i = 0; i < numbers->size(); ++i) {
        std::string w = "numbers[" + std::to_string(i) + "].";
        auto n = objectAt(numbers->get(i), w);
        XunaNumber xn;
        xn.id = optString(n, "phone_number_id", w).value_or("");
        xn.phone = e164(n, "phone_number", w);
        xn.label = optString(n, "label", w).value_or("");
        xn.agentId = optAgent(n, w);
        xn.twilioAccountSid = optString(n, "twilio_account_sid", w);
        addXunaNumber(world, std::move(xn), "numbers[" + std::to_string(i) + "]");
      }
    }
    if (root->has("generate_numbers") && !root->get("generate_numbers").isEmpty()) {
      std::string w = "generate_numbers.";
      auto g = objectAt(root->get("generate_numbers"), w);
      Generator gen = Generator::read(g, w);
      std::string labelTemplate = optString(g, "label", w).value_or("{n}");
      auto agent = optAgent(g, w);
      auto account = optString(g, "twilio_account_sid", w);
      for (std::int64_t i = 0; i < gen.count; ++i) {
        XunaNumber xn;
        xn.id = "phnum_gen_" + std::to_string(i);
        xn.phone = Generator::phone(gen, i);
        xn.label = replaceAll(labelTemplate, "{n}", xn.phone);
        xn.agentId = agent;
        xn.twilioAccountSid = account;
        addXunaNumber(world, std::move(xn), "generate_numbers[" + std::to_string(i) + "]");
      }
    }
    if (auto shape = optString(root, "list_shape", "")) {
      if (*shape == "agent_id") {
        world.listShape = ListShape::AgentId;
      } else if (*shape == "assigned_agent") {
        world.listShape = ListShape::AssignedAgent;
      } else {
        fail("list_shape", "must be \"agent_id\" or \"assigned_agent\"");
      }
    }
  } catch (const FixtureError& e) {
    throw FixtureError("fixture " + path + ": " + e.what());
  }
}

}  // namespace xs::emu

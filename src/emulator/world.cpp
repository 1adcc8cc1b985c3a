#include "emulator/world.h"

#include "emulator/ids.h"

#include <algorithm>
#include <stdexcept>

namespace xs::emu {

bool TwilioAccount::accepts(const std::string& user, const std::string& password) const {
  if (user == sid) return password == authToken;
  for (const auto& key : apiKeys) {
    if (user == key.sid) return password == key.secret;
  }
  return false;
}

bool TwilioAccount::owns(const std::string& phone) const {
  auto it = std::lower_bound(numbers.begin(), numbers.end(), phone,
                             [](const TwilioNumber& n, const std::string& p) { return n.phone < p; });
  return it != numbers.end() && it->phone == phone;
}

std::string TwilioAccount::sortNumbers() {
  std::stable_sort(numbers.begin(), numbers.end(),
                   [](const TwilioNumber& a, const TwilioNumber& b) { return a.phone < b.phone; });
  for (std::size_t i = 1; i < numbers.size(); ++i) {
    if (numbers[i].phone == numbers[i - 1].phone) {
      return "duplicate phone number " + numbers[i].phone;
    }
  }
  bySid.clear();
  bySid.reserve(numbers.size());
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (!bySid.emplace(numbers[i].sid, i).second) return "duplicate sid " + numbers[i].sid;
  }
  return "";
}

TwilioNumber* TwilioAccount::findSid(const std::string& sid) {
  auto it = bySid.find(sid);
  return it == bySid.end() ? nullptr : &numbers[it->second];
}

TwilioNumber* TwilioAccount::findPhone(const std::string& phone) {
  auto it = std::lower_bound(numbers.begin(), numbers.end(), phone,
                             [](const TwilioNumber& n, const std::string& p) { return n.phone < p; });
  return it != numbers.end() && it->phone == phone ? &*it : nullptr;
}

const TwilioAccount* World::findAccount(const std::string& sid) const {
  auto it = accounts.find(sid);
  return it == accounts.end() ? nullptr : &it->second;
}

TwilioAccount* World::findAccount(const std::string& sid) {
  auto it = accounts.find(sid);
  return it == accounts.end() ? nullptr : &it->second;
}

XunaNumber* World::findById(const std::string& id) {
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : &numbers_[it->second];
}

const XunaNumber* World::findByPhone(const std::string& phone) const {
  auto it = byPhone_.find(phone);
  return it == byPhone_.end() ? nullptr : &numbers_[it->second];
}

const XunaNumber& World::addNumber(XunaNumber n) {
  if (byPhone_.count(n.phone)) throw std::invalid_argument("phone number " + n.phone + " already exists");
  if (n.id.empty()) {
    do {
      n.id = counterId("phnum_", ++numberCounter_);
    } while (byId_.count(n.id));
  } else if (byId_.count(n.id)) {
    throw std::invalid_argument("phone_number_id " + n.id + " already exists");
  }
  byId_[n.id] = numbers_.size();
  byPhone_[n.phone] = numbers_.size();
  numbers_.push_back(std::move(n));
  return numbers_.back();
}

const XunaNumber* World::updateNumber(const std::string& id, const std::optional<std::string>& label,
                                      const std::optional<std::optional<std::string>>& agentId) {
  XunaNumber* n = findById(id);
  if (!n) return nullptr;
  if (label) n->label = *label;
  if (agentId) n->agentId = *agentId;
  n->itemJsonCache.clear();
  return n;
}

std::string World::addBatch(const Poco::Dynamic::Var& body, const std::optional<std::string>& key) {
  Batch b{counterId("batch_", ++batchCounter_), body, key};
  batches_.push_back(b);
  return b.id;
}

const Response* World::idempotentResponse(const std::string& key) const {
  auto it = idempotency_.find(key);
  return it == idempotency_.end() ? nullptr : &it->second;
}

void World::rememberResponse(const std::string& key, const Response& r) { idempotency_.emplace(key, r); }

void World::setRouting(TwilioNumber& n, const NumberRouting& routing) {
  n.routing = routing;
  n.json.clear();
  ++n.version;
}

}  // namespace xs::emu

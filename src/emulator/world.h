// The emulator's in-memory world: XUNA numbers, agents, Twilio accounts, batches and the
// idempotency cache. Loaded from the fixture before the server starts; after that the
// configuration part (api keys, agents, Twilio accounts and their numbers, list shape) is
// read-only and the rest (Twilio numbers' routing included) is guarded by one mutex.
#pragma once

#include "emulator/exchange.h"
#include "emulator/twilio_routing.h"

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace xs::emu {

struct XunaNumber {
  std::string id;
  std::string phone;
  std::string label;
  std::optional<std::string> agentId;
  std::optional<std::string> twilioAccountSid;
  // The list-item JSON of this number as last rendered ("" = stale); World clears it on change.
  mutable std::string itemJsonCache;
};

struct TwilioNumber {
  std::string sid;
  std::string phone;
  std::string friendlyName;
  NumberRouting routing;  // mutable: read and written under World::lock()
  // The list item as last rendered ("" = stale, under World::lock()); cleared on change.
  mutable std::string json;
  // Bumped on every change (under World::lock()): a list renders stale items without the
  // lock and keeps them only if the number did not change meanwhile.
  std::uint64_t version = 0;
};

struct TwilioApiKey {
  std::string sid;
  std::string secret;
};

struct TwilioAccount {
  std::string sid;
  std::string authToken;
  std::vector<TwilioApiKey> apiKeys;
  std::vector<TwilioNumber> numbers;  // sorted by phone, unique (see sortNumbers)
  std::unordered_map<std::string, std::size_t> bySid;  // index into numbers (see sortNumbers)

  // True when user/password are the account SID + auth token or one of its API keys.
  bool accepts(const std::string& user, const std::string& password) const;
  // True when the account owns phone (exact E.164 match).
  bool owns(const std::string& phone) const;
  // Sorts numbers by phone and indexes their SIDs; returns "duplicate phone number X" or
  // "duplicate sid X", or "" when all are unique.
  std::string sortNumbers();
  // The number with this SID or this phone, or null.
  TwilioNumber* findSid(const std::string& sid);
  TwilioNumber* findPhone(const std::string& phone);
};

struct Batch {
  std::string id;
  Poco::Dynamic::Var body;  // the request body as received (secrets redacted)
  std::optional<std::string> idempotencyKey;
};

enum class ListShape { AgentId, AssignedAgent };

class World {
 public:
  // ---- configuration: filled by the fixture loader, read-only while serving ----
  std::set<std::string> apiKeys;
  std::set<std::string> agents;
  std::map<std::string, TwilioAccount> accounts;
  ListShape listShape = ListShape::AgentId;
  // Where an import re-points the Twilio number's voice_url ("" = imports leave it alone).
  std::string inboundCallUrl;

  // True when key is one of the fixture's API keys.
  bool isApiKey(const std::string& key) const { return apiKeys.count(key) > 0; }
  // True when id is a known agent.
  bool isAgent(const std::string& id) const { return agents.count(id) > 0; }
  // The Twilio account with this SID, or null.
  const TwilioAccount* findAccount(const std::string& sid) const;
  TwilioAccount* findAccount(const std::string& sid);

  // ---- mutable state: every member below requires the caller to hold lock() ----

  // Locks the mutable state.
  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mu_); }

  // XUNA numbers in creation order.
  const std::vector<XunaNumber>& numbers() const { return numbers_; }
  // The number with this id, or null.
  XunaNumber* findById(const std::string& id);
  // The number with this phone, or null.
  const XunaNumber* findByPhone(const std::string& phone) const;
  // Stores n (a fresh phnum_ id when n.id is empty); throws std::invalid_argument when the
  // id or the phone number is taken. Returns the stored number.
  const XunaNumber& addNumber(XunaNumber n);
  // Updates the label and/or agent of the number with this id; returns it, or null if unknown.
  const XunaNumber* updateNumber(const std::string& id, const std::optional<std::string>& label,
                                 const std::optional<std::optional<std::string>>& agentId);

  // Records an accepted batch and returns its fresh batch_ id.
  std::string addBatch(const Poco::Dynamic::Var& body, const std::optional<std::string>& key);
  // Accepted batches in order.
  const std::vector<Batch>& batches() const { return batches_; }

  // The cached response of an earlier request with this Idempotency-Key, or null.
  const Response* idempotentResponse(const std::string& key) const;
  // Caches r as the response for this Idempotency-Key (the first one wins).
  void rememberResponse(const std::string& key, const Response& r);

  // Replaces n's routing and marks its rendered list item stale.
  void setRouting(TwilioNumber& n, const NumberRouting& routing);

 private:
  std::mutex mu_;
  std::vector<XunaNumber> numbers_;
  std::unordered_map<std::string, std::size_t> byId_;
  std::unordered_map<std::string, std::size_t> byPhone_;
  std::vector<Batch> batches_;
  std::unordered_map<std::string, Response> idempotency_;
  std::uint64_t numberCounter_ = 0;
  std::uint64_t batchCounter_ = 0;
};

}  // namespace xs::emu

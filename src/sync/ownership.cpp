#include "sync/ownership.h"

#include <optional>
#include <vector>

#include "sync/twilio_source.h"
#include "util/log.h"
#include "util/parallel.h"

namespace xs::sync {

TwilioAuth twilio_auth(const TwilioAccount& account, const TwilioCredentials& credentials) {
  TwilioAuth a;
  a.account = account.name;
  a.account_sid = credentials.account_sid;
  a.username = account.api_key_sid.empty() ? credentials.account_sid : account.api_key_sid;
  a.password = credentials.auth_token;
  a.secret_env = account.auth_token_env;
  return a;
}

std::vector<TwilioAuth> list_auths(const Desired& desired,
                                   const std::map<std::string, TwilioCredentials>& credentials) {
  std::map<std::string, std::size_t> mapped;
  for (const auto& n : desired.numbers)
    if (credentials.count(n.twilio_account)) ++mapped[n.twilio_account];
  std::vector<TwilioAuth> auths;
  for (const auto& [name, c] : credentials) {
    auto it = desired.twilio_accounts.find(name);
    if (it == desired.twilio_accounts.end()) continue;
    auths.push_back(twilio_auth(it->second, c));
    auths.back().mapped = mapped[name];
  }
  return auths;
}

OwnedLists list_owned(TwilioApi& twilio, const Desired& desired,
                      const std::map<std::string, TwilioCredentials>& credentials,
                      const std::atomic<bool>* abandon) {
  return list_owned(twilio, list_auths(desired, credentials), abandon);
}

OwnedLists list_owned(TwilioApi& twilio, const std::vector<TwilioAuth>& auths,
                      const std::atomic<bool>* abandon) {
  std::vector<std::optional<Result<std::vector<OwnedNumber>>>> lists(auths.size());
  run_parallel(auths.size(), 4, [&](std::size_t i) {
    lists[i] = abandon ? twilio.list_owned(auths[i], *abandon) : twilio.list_owned(auths[i]);
  });
  OwnedLists out;
  for (std::size_t i = 0; i < auths.size(); ++i) out.emplace(auths[i].account, std::move(*lists[i]));
  return out;
}

Ownership ownership_of(const OwnedLists& lists) {
  Ownership ownership;
  for (const auto& [name, list] : lists) {
    if (!list.ok()) {
      log_warn("ownership check failed: " + list.error().message +
               "; its numbers will not be imported");
      ownership.failed[name] = "not checked with Twilio, so not imported: " + list.error().message;
      continue;
    }
    auto& owned = ownership.owned[name];
    for (const auto& n : list.value()) {
      owned.insert(n.phone_number);
      ownership.routing[n.phone_number] = n.routing;
    }
    log_debug("Twilio account '" + name + "' owns " + std::to_string(owned.size()) + " numbers");
  }
  return ownership;
}

}  // namespace xs::sync

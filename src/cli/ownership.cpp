#include "cli/ownership.h"

#include <optional>
#include <vector>

#include "cli/context.h"
#include "util/log.h"
#include "util/parallel.h"

namespace xs::cli {

OwnedLists list_owned(TwilioApi& twilio, const Desired& desired,
                      const std::map<std::string, TwilioCredentials>& credentials) {
  std::vector<TwilioAuth> auths;
  for (const auto& [name, c] : credentials) {
    auto it = desired.twilio_accounts.find(name);
    if (it != desired.twilio_accounts.end()) auths.push_back(twilio_auth(it->second, c));
  }
  std::vector<std::optional<Result<std::vector<OwnedNumber>>>> lists(auths.size());
  run_parallel(auths.size(), 4, [&](std::size_t i) { lists[i] = twilio.list_owned(auths[i]); });
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
    for (const auto& n : list.value()) owned.insert(n.phone_number);
    log_debug("Twilio account '" + name + "' owns " + std::to_string(owned.size()) + " numbers");
  }
  return ownership;
}

bool signs_in_with_key(const Desired& desired, const std::string& account) {
  auto it = desired.twilio_accounts.find(account);
  return it != desired.twilio_accounts.end() && !it->second.api_key_sid.empty();
}

std::string key_cannot_import(const Desired& desired, const std::string& account) {
  const TwilioAccount& a = desired.twilio_accounts.at(account);
  return "Twilio account '" + account + "' signs in with API key " + a.api_key_sid +
         "; XUNA imports take the account's auth token, not a key secret (" + a.loc.str() +
         ": drop api_key_sid and point auth_token_env at the auth token to import)";
}

}  // namespace xs::cli

#include "cli/ownership.h"

#include <optional>
#include <vector>

#include "cli/context.h"
#include "util/log.h"
#include "util/parallel.h"

namespace xs::cli {

Ownership check_ownership(TwilioApi& twilio, const Desired& desired,
                          const std::map<std::string, TwilioCredentials>& credentials) {
  std::vector<TwilioAuth> auths;
  for (const auto& [name, c] : credentials) {
    auto it = desired.twilio_accounts.find(name);
    if (it != desired.twilio_accounts.end()) auths.push_back(twilio_auth(it->second, c));
  }
  std::vector<std::optional<Result<std::vector<OwnedNumber>>>> lists(auths.size());
  run_parallel(auths.size(), 4, [&](std::size_t i) { lists[i] = twilio.list_owned(auths[i]); });
  Ownership ownership;
  for (std::size_t i = 0; i < auths.size(); ++i) {
    const std::string& name = auths[i].account;
    const auto& list = *lists[i];
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

}  // namespace xs::cli

#include "sync/prefetch.h"

#include <set>

namespace xs::sync {
namespace {

// The accounts with a mapped number that the state does not know as managed here; not those
// that cannot import (plan decides that: key_cannot_import).
std::set<std::string> likely_importers(const Desired& desired, const StateView& view) {
  std::set<std::string> out;
  for (const auto& n : desired.numbers)
    if (!view.managed_numbers.count(n.phone_number) &&
        key_cannot_import(desired, n.twilio_account).empty())
      out.insert(n.twilio_account);
  return out;
}

}  // namespace

OwnershipPrefetch::OwnershipPrefetch(TwilioSource& twilio, const Desired& desired,
                                     const StateView& view, bool without_history) {
  // Without a history here (a plan in CI without the state), a number the state does not
  // know may well be in XUNA already: asking Twilio could be for nothing. Then the preflight
  // asks, if it must, after the list; apply asks early all the same (without_history).
  if (view.managed_numbers.empty() && !without_history) return;
  std::map<std::string, TwilioCredentials> credentials;
  for (const std::string& account : likely_importers(desired, view)) {
    try {  // a missing variable is reported by the preflight, if the account imports at all
      credentials.merge(twilio.credentials(desired, {account}));
    } catch (const std::exception&) {
    }
  }
  if (credentials.empty()) return;
  TwilioApi* api = nullptr;
  try {
    api = &twilio.api(/*once=*/true);
  } catch (const std::exception&) {
    return;  // a bad URL or CA file: the preflight says so, if it runs
  }
  // The thread's own: it may outlive a moved-from mapping.
  std::vector<TwilioAuth> auths = list_auths(desired, credentials);
  thread_ = std::thread([this, api, auths = std::move(auths)] {
    try {
      lists_ = list_owned(*api, auths, &abandon_);
    } catch (const std::exception&) {
      lists_.clear();  // the preflight asks again
    }
  });
}

OwnershipPrefetch::~OwnershipPrefetch() {
  abandon_ = true;  // not taken: not needed
  join();
}

void OwnershipPrefetch::join() {
  if (thread_.joinable()) thread_.join();
}

OwnedLists OwnershipPrefetch::take() {
  join();
  OwnedLists kept;
  for (auto& [name, list] : lists_)
    if (list.ok() || list.error().kind != ErrorKind::Transient) kept.emplace(name, std::move(list));
  lists_.clear();
  return kept;
}

}  // namespace xs::sync

#pragma once
// The ownership preflight of plan and apply (docs/DESIGN.md §4, §9): ask Twilio, one paged list
// per account, which numbers each account owns and where their calls go, before any import.
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "apply/apply.h"
#include "model/desired.h"
#include "plan/plan.h"
#include "twilio/client.h"

namespace xs::sync {

// Each account's owned numbers, or why they could not be listed, by account name.
using OwnedLists = std::map<std::string, Result<std::vector<OwnedNumber>>>;

// How to ask each account in credentials for its list (with how many numbers the mapping
// gives it: a hint of the list's size).
std::vector<TwilioAuth> list_auths(const Desired& desired,
                                   const std::map<std::string, TwilioCredentials>& credentials);

// Lists what each account owns, up to 4 accounts at a time; with `abandon`, each list gives
// up before its next page once it is set.
OwnedLists list_owned(TwilioApi& twilio, const std::vector<TwilioAuth>& auths,
                      const std::atomic<bool>* abandon = nullptr);
// The same for each account in credentials.
OwnedLists list_owned(TwilioApi& twilio, const Desired& desired,
                      const std::map<std::string, TwilioCredentials>& credentials,
                      const std::atomic<bool>* abandon = nullptr);

// The planner's view of the lists: owned numbers and their routing; an account whose list
// failed (wrong credentials, Twilio unreachable) is in `failed` with the reason, so its imports
// become plan errors (and a warning is logged).
Ownership ownership_of(const OwnedLists& lists);

}  // namespace xs::sync

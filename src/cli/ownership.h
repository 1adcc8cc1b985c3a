#pragma once
// The ownership preflight of plan and apply (DESIGN §4): ask Twilio, one paged list per
// account, which numbers each account owns, before any import is sent to XUNA.
#include <map>
#include <string>
#include <vector>

#include "apply/apply.h"
#include "model/desired.h"
#include "plan/plan.h"
#include "twilio/client.h"

namespace xs::cli {

// Each account's owned numbers, or why they could not be listed, by account name.
using OwnedLists = std::map<std::string, Result<std::vector<OwnedNumber>>>;

// Lists what each account in credentials owns, up to 4 accounts at a time.
OwnedLists list_owned(TwilioApi& twilio, const Desired& desired,
                      const std::map<std::string, TwilioCredentials>& credentials);

// The planner's view of the lists; an account whose list failed (wrong credentials, Twilio
// unreachable) is in `failed` with the reason, so its imports become plan errors (and a warning).
Ownership ownership_of(const OwnedLists& lists);

// True when the mapping signs the account in with an API key (api_key_sid): fine for listing
// its numbers, but XUNA's import takes the account SID and its auth token, not a key's secret.
bool signs_in_with_key(const Desired& desired, const std::string& account);

// Why such an account's numbers are not imported, and what to change (naming the mapping).
std::string key_cannot_import(const Desired& desired, const std::string& account);

}  // namespace xs::cli

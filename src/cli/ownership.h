#pragma once
// The ownership preflight of plan and apply (DESIGN §4): ask Twilio, one paged list per
// account, which numbers each account owns, before any import is sent to XUNA.
#include <map>
#include <string>

#include "apply/apply.h"
#include "model/desired.h"
#include "plan/plan.h"
#include "twilio/client.h"

namespace xs::cli {

// What each account in credentials owns; an account whose list fails (wrong credentials,
// Twilio unreachable) is in `failed` with the reason, so its imports become plan errors.
Ownership check_ownership(TwilioApi& twilio, const Desired& desired,
                          const std::map<std::string, TwilioCredentials>& credentials);

}  // namespace xs::cli

#pragma once
// The ownership preflight, started early: while XUNA lists its numbers, ask Twilio what the
// accounts own whose numbers the state does not know as managed, when the state knows others
// (numbers new to a mapping that was applied before are about to be imported, most likely).
// It saves the preflight's round trips from the cron runs that import.
#include <thread>

#include "model/desired.h"
#include "model/state_view.h"
#include "sync/ownership.h"
#include "sync/twilio_source.h"

namespace xs::sync {

class OwnershipPrefetch {
 public:
  // Starts one thread listing those accounts, one attempt per page and no retries: when the
  // lists turn out to be needed and one failed on a transient error, the preflight asks again,
  // with retries; when they are not needed, a Twilio outage costs this one attempt. Nothing is
  // logged here: the preflight logs what it uses.
  OwnershipPrefetch(TwilioSource& twilio, const Desired& desired, const StateView& view);
  ~OwnershipPrefetch();  // waits for the thread
  OwnershipPrefetch(const OwnershipPrefetch&) = delete;
  OwnershipPrefetch& operator=(const OwnershipPrefetch&) = delete;

  // Waits, then gives the lists that were fetched, and the failures that asking again would
  // not change (401, 404, a page of the wrong shape); not the transient ones.
  OwnedLists take();

 private:
  void join();

  std::thread thread_;
  OwnedLists lists_;
};

}  // namespace xs::sync

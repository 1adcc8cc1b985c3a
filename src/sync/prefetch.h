#pragma once
// The ownership preflight, started early: while XUNA lists its numbers, ask Twilio what the
// accounts own whose numbers the state does not know as managed, when the state knows others
// (numbers new to a mapping that was applied before are about to be imported, most likely),
// or, when asked (apply: without_history), even when it knows none (a first apply). It saves
// the preflight's round trips, after the list, from the runs that import (issue 23: a third
// of the fixed cost of a first apply). When the plan needs no list after all, the lists are
// given up: what that costs is the page each had asked for.
#include <atomic>
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
  OwnershipPrefetch(TwilioSource& twilio, const Desired& desired, const StateView& view,
                    bool without_history);
  ~OwnershipPrefetch();  // gives the lists up if take() was not called, and waits
  OwnershipPrefetch(const OwnershipPrefetch&) = delete;
  OwnershipPrefetch& operator=(const OwnershipPrefetch&) = delete;

  // Waits, then gives the lists that were fetched, and the failures that asking again would
  // not change (401, 404, a page of the wrong shape); not the transient ones.
  OwnedLists take();

 private:
  void join();

  std::thread thread_;
  std::atomic<bool> abandon_{false};
  OwnedLists lists_;
};

}  // namespace xs::sync

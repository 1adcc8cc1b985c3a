#pragma once
// One number of a rollback (docs/DESIGN.md §9): what Twilio has now and what it will be.
#include <string>

#include "model/routing.h"
#include "model/vocabulary.h"

namespace xs {

struct RollbackItem {
  std::string phone_number;
  std::string twilio_account;
  TwilioRouting now;     // as Twilio has it
  TwilioRouting wanted;  // as it will be
  // Moved: Twilio routes it neither as the cut-over left it nor as wanted (re-routed by hand
  // since): left alone unless forced.
  enum class Status { Change, Already, Problem, Moved } status = Status::Change;
  Outcome outcome = Outcome::Pending;  // after the run: Ok | Failed | Skipped | Unknown
  std::string message;                 // why (Problem, Moved, Failed, Skipped)
  bool forced = false;                 // Change over a Moved routing (--force)
};

}  // namespace xs

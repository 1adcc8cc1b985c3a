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
  enum class Status { Change, Already, Problem } status = Status::Change;
  Outcome outcome = Outcome::Pending;  // after the run: Ok | Failed | Skipped | Unknown
  std::string message;                 // why (Problem, Failed, Skipped)
};

}  // namespace xs

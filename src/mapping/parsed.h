#pragma once
// One mapping file after its own checks, before the files are merged (private to src/mapping).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "model/desired.h"

namespace xs::mapping {

// A value as written and where it was written.
struct Ref {
  std::string text;
  Location loc;
};

struct ParsedAgent {
  std::string alias;
  std::string agent_id;
  Location loc;  // the alias key
};

// A 'cutover:' map (top level or a number's): the keys given.
struct ParsedCutover {
  std::optional<FallbackPolicy> fallback;
  std::optional<std::chrono::seconds> probation;
  Location loc;  // the 'cutover' key
};

struct ParsedNumber {
  DesiredNumber number;  // loc = the entry; agent_id and twilio_account unresolved
  Location phone_loc;
  bool valid_phone = false;           // strict E.164
  std::optional<Ref> agent;           // as written
  std::optional<Ref> twilio_account;  // as written
  std::optional<ParsedCutover> cutover;  // its own 'cutover:' keys
};

struct ParsedCall {
  BatchCallTarget target;  // override already converted, first_message folded in
  Location to_loc;
  bool valid_to = false;
};

struct ParsedBatch {
  BatchCampaign batch;  // loc = the entry; calls and agent_id filled when merged
  Location name_loc;
  std::optional<Ref> agent;
  std::optional<Ref> from;
  bool valid_from = false;
  std::vector<ParsedCall> calls;
  std::string default_region;  // for national numbers in calls_csv: its own or the file's
};

struct ParsedFile {
  std::string name;
  std::vector<TwilioAccount> accounts;  // loc = the account's key
  std::vector<ParsedAgent> agents;
  std::optional<Location> defaults;  // the 'defaults' key, when present
  std::optional<Ref> default_account;
  std::string default_region;  // top-level default_region, for this file's batches
  std::optional<ParsedCutover> cutover;  // top-level 'cutover:'
  std::vector<ParsedNumber> numbers;
  std::vector<ParsedBatch> batches;
  std::vector<std::string> suppressed;      // E.164, from the files of 'suppress'
  std::vector<std::string> suppress_files;  // as resolved beside the mapping file
};

}  // namespace xs::mapping

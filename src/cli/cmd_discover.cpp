// xuna-sync discover: the numbers a Twilio account owns that the mapping lacks, as YAML.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "mapping/discover_yaml.h"
#include "sync/twilio_source.h"
#include "util/atomic_file.h"
#include "util/clock.h"
#include "util/log.h"

namespace xs::cli {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// The accounts to look at: the one named, or every one with --all.
std::set<std::string> chosen_accounts(const Options& options, const Desired& desired) {
  std::string known;
  for (const auto& [name, _] : desired.twilio_accounts) known += (known.empty() ? "" : ", ") + name;
  if (options.all) {
    if (desired.twilio_accounts.empty())
      throw CommandError(kInvalid, "the mapping defines no Twilio accounts (twilio_accounts:)");
    std::set<std::string> all;
    for (const auto& [name, _] : desired.twilio_accounts) all.insert(name);
    return all;
  }
  if (!desired.twilio_accounts.count(options.twilio_account))
    throw CommandError(kInvalid, "no Twilio account '" + options.twilio_account +
                                     "' in the mapping" +
                                     (known.empty() ? "" : " (it defines: " + known + ")"));
  return {options.twilio_account};
}

// phone number -> phone_number_id of every number in XUNA, or nullopt (said why) when the
// list cannot be had: discover is still useful without it.
std::optional<std::map<std::string, std::string>> numbers_in_xuna(const Options& options) {
  if (env("XUNA_API_KEY").empty()) {
    log_warn("XUNA_API_KEY is not set: could not check which numbers are already in XUNA");
    return std::nullopt;
  }
  Remote remote = connect_xuna(options);
  Result<LiveList> live = remote.api->list_numbers();
  if (!live.ok()) {
    log_warn("could not check which numbers are already in XUNA: " + live.error().message);
    return std::nullopt;
  }
  std::map<std::string, std::string> ids;
  for (const auto& n : live.value()) ids.emplace(n.phone_number, n.phone_number_id);
  return ids;
}

// The label for a number: Twilio's friendly name, trimmed; the number when that is blank.
std::string label_of(const OwnedNumber& n) {
  const auto first = n.friendly_name.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return n.phone_number;
  const auto last = n.friendly_name.find_last_not_of(" \t\r\n");
  return n.friendly_name.substr(first, last - first + 1);
}

// Writes text to path through a temporary file, so a reader never sees half of it.
void write_file(const std::string& path, const std::string& text) {
  try {
    write_file_atomically(path, text);
  } catch (const std::exception& e) {
    throw CommandError(kFailed, e.what());
  }
}

}  // namespace

int run_discover(const Options& options) {
  if (!options.positional.empty())
    throw UsageError("discover takes no arguments (mapping files go after -f)");
  if (options.all == !options.twilio_account.empty())
    throw UsageError("discover needs either --twilio-account NAME or --all");
  if (!options.out.empty() && !options.force && exists(options.out))
    throw CommandError(kInvalid, options.out +
                                     " already exists; use --force to overwrite it "
                                     "(nothing was done)");
  const Desired desired = load_desired(options);
  const std::set<std::string> accounts = chosen_accounts(options, desired);
  const auto credentials = twilio_credentials(desired, accounts);
  std::set<std::string> mapped;
  for (const auto& n : desired.numbers) mapped.insert(n.phone_number);

  const auto in_xuna = numbers_in_xuna(options);
  std::unique_ptr<TwilioApi> twilio = connect_twilio(options);
  std::map<std::string, DiscoveredNumber> found;  // by number: sorted, first account wins
  std::vector<std::string> comments;
  std::vector<TwilioAccount> used;
  int failed = 0;
  for (const auto& [name, c] : credentials) {
    const TwilioAccount& account = desired.twilio_accounts.at(name);
    TwilioAuth auth = sync::twilio_auth(account, c);
    Result<std::vector<OwnedNumber>> owned = twilio->list_owned(auth);
    if (!owned.ok()) {
      log_error(owned.error().message);
      ++failed;
      continue;
    }
    int missing = 0, imported = 0;
    for (const auto& n : owned.value()) {
      if (mapped.count(n.phone_number) || found.count(n.phone_number)) continue;
      DiscoveredNumber d{n.phone_number, label_of(n), name, ""};
      if (in_xuna) {
        auto it = in_xuna->find(n.phone_number);
        if (it != in_xuna->end()) d.xuna_id = it->second;
      }
      ++missing;
      imported += !d.xuna_id.empty();
      found.emplace(n.phone_number, std::move(d));
    }
    if (missing) used.push_back(account);
    std::string line = "Twilio account '" + name + "' (" + c.account_sid + ") owns " +
                       std::to_string(owned.value().size()) + " numbers; " +
                       std::to_string(missing) + " not in the mapping";
    line += !in_xuna ? " (not checked against XUNA)"
                     : ", " + std::to_string(imported) + " of them already in XUNA";
    comments.push_back(line + ".");
    log_info(line);
  }

  std::vector<DiscoveredNumber> numbers;
  numbers.reserve(found.size());
  for (auto& [_, d] : found) numbers.push_back(std::move(d));
  if (!options.out.empty()) {
    if (failed)
      throw CommandError(kFailed, "not writing " + options.out + ": " + std::to_string(failed) +
                                      " Twilio account(s) could not be listed");
    comments.insert(comments.begin(),
                    "Written by xuna-sync discover at " + system_clock().now_iso() + ".");
    comments.push_back("Uncomment 'agent:' to have a number answered, then run 'xuna-sync plan'.");
    write_file(options.out, discovered_mapping(numbers, used, comments));
    log_info("wrote " + std::to_string(numbers.size()) + " numbers to " + options.out);
  } else {
    if (numbers.empty() && !failed)
      comments.push_back("Nothing to add: the mapping has every number.");
    std::cout << discovered_entries(numbers, comments) << std::flush;
  }
  return failed ? kFailed : kOk;
}

}  // namespace xs::cli

#include "mapping/phone_lib.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace xs::mapping {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& util() {
  return *PhoneNumberUtil::GetInstance();
}

// "US (+1)": the main region of number's country code.
std::string region_of(const PhoneNumber& n) {
  std::string region;
  util().GetRegionCodeForCountryCode(n.country_code(), &region);
  return region + " (+" + std::to_string(n.country_code()) + ")";
}

std::string parse_problem(PhoneNumberUtil::ErrorType e) {
  switch (e) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return "no country has this country code";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return "too short";
    case PhoneNumberUtil::TOO_LONG_NSN:
      return "too long";
    default:
      return "not a phone number";
  }
}

// Why n cannot be a number of its country, or "" when its length is possible.
std::string length_problem(const PhoneNumber& n) {
  switch (util().IsPossibleNumberWithReason(n)) {
    case PhoneNumberUtil::IS_POSSIBLE:
      return "";
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      return "no country has this country code";
    case PhoneNumberUtil::TOO_LONG:
      return "too long for " + region_of(n);
    case PhoneNumberUtil::INVALID_LENGTH:
      return "wrong length for " + region_of(n);
    default:  // TOO_SHORT, IS_POSSIBLE_LOCAL_ONLY: a local number is no E.164 number
      return "too short for " + region_of(n);
  }
}

}  // namespace

namespace {

// What libphonenumber says of a strict E.164 number: nothing, a warning, or an error.
struct Verdict {
  enum Kind { Fine, Warning, Error } kind = Fine;
  std::string message;
};

Verdict verdict_of(const std::string& e164) {
  PhoneNumber n;
  const auto parsed = util().Parse(e164, "ZZ", &n);
  std::string problem =
      parsed == PhoneNumberUtil::NO_PARSING_ERROR ? length_problem(n) : parse_problem(parsed);
  if (!problem.empty()) return {Verdict::Error, "impossible phone number " + e164 + ": " + problem};
  // Most numbers belong to their country code's main region: asking it first spares the walk
  // over every region of the code (25 for +1) that IsValidNumber makes. Same answer.
  std::string main_region;
  util().GetRegionCodeForCountryCode(n.country_code(), &main_region);
  if (!util().IsValidNumberForRegion(n, main_region) && !util().IsValidNumber(n)) {
    return {Verdict::Warning, "phone number " + e164 + " is not valid in " + region_of(n) +
                                  ": no such area code or range (libphonenumber)"};
  }
  return {};
}

bool report(Diags& diags, const Location& at, Verdict v) {
  if (v.kind == Verdict::Error) diags.error(at, std::move(v.message));
  if (v.kind == Verdict::Warning) diags.warning(at, std::move(v.message));
  return v.kind != Verdict::Error;
}

// Below this many numbers the threads cost more than they save.
constexpr std::size_t kPerThread = 2048;

}  // namespace

bool check_phone(Diags& diags, const Location& at, const std::string& e164) {
  return report(diags, at, verdict_of(e164));
}

void PhoneChecks::add(const Location& at, const std::string& e164) {
  pending_.push_back({at, e164});
}

void PhoneChecks::run(Diags& diags) {
  const std::size_t n = pending_.size();
  std::vector<Verdict> verdicts(n);
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = std::min({cores, std::size_t{8}, n / kPerThread});
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) verdicts[i] = verdict_of(pending_[i].second);
  } else {
    // Workers take slices of 256 in turn, so that a run of slow (invalid) numbers is shared.
    std::atomic<std::size_t> next{0};
    std::mutex failed_mutex;
    std::exception_ptr failed;
    auto work = [&] {
      try {
        for (std::size_t from; (from = next.fetch_add(256)) < n;) {
          for (std::size_t i = from; i < std::min(n, from + 256); ++i)
            verdicts[i] = verdict_of(pending_[i].second);
        }
      } catch (...) {  // out of memory: reported by the caller, once every worker is done
        std::lock_guard<std::mutex> lock(failed_mutex);
        failed = std::current_exception();
        next = n;
      }
    };
    std::vector<std::thread> threads;
    try {
      for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work);
    } catch (const std::system_error&) {  // no more threads: fewer workers do it
    }
    work();
    for (auto& t : threads) t.join();
    if (failed) std::rethrow_exception(failed);
  }
  for (std::size_t i = 0; i < n; ++i) report(diags, pending_[i].first, std::move(verdicts[i]));
  pending_.clear();
}

std::optional<std::string> known_region(const std::string& region) {
  std::string code = region;
  for (char& c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  std::set<std::string> regions;
  util().GetSupportedRegions(&regions);
  if (!regions.count(code)) return std::nullopt;
  return code;
}

std::optional<std::string> to_e164(const std::string& text, const std::string& region,
                                   std::string& why) {
  PhoneNumber n;
  const auto parsed = util().Parse(text, region, &n);
  if (parsed != PhoneNumberUtil::NO_PARSING_ERROR) {
    why = parse_problem(parsed);
    return std::nullopt;
  }
  std::string out;
  util().Format(n, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace xs::mapping

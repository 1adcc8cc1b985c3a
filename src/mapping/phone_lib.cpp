#include "mapping/phone_lib.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
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

// Numbers are checked in blocks of this many; a mapping smaller than one starts no thread.
constexpr std::size_t kBlock = 512;

}  // namespace

bool check_phone(Diags& diags, const Location& at, const std::string& e164) {
  return report(diags, at, verdict_of(e164));
}

// Blocks of numbers in the order added, handed to the workers as they fill up.
struct PhoneChecks::Impl {
  struct Block {
    std::vector<std::pair<Location, std::string>> numbers;
    std::vector<Verdict> verdicts;
  };

  std::mutex mutex;
  std::condition_variable more;      // a block was queued, or the queue closed
  std::deque<Block> blocks;          // every block, in order (push_back keeps references)
  std::size_t taken = 0;             // blocks handed out
  std::size_t queued = 0;            // blocks complete and ready to check
  bool closed = false;
  std::exception_ptr failed;
  std::vector<std::thread> workers;

  // Checks the queued blocks until none is left; when `wait`, also waits for more until the
  // queue closes.
  void work(bool wait) {
    for (;;) {
      Block* block = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex);
        if (wait) more.wait(lock, [&] { return taken < queued || closed; });
        if (taken == queued || failed) return;
        block = &blocks[taken++];
      }
      try {
        block->verdicts.reserve(block->numbers.size());
        for (const auto& n : block->numbers) block->verdicts.push_back(verdict_of(n.second));
      } catch (...) {  // out of memory: rethrown by run(), once every worker is done
        std::lock_guard<std::mutex> lock(mutex);
        failed = std::current_exception();
        return;
      }
    }
  }

  // Queues the block being filled, starting the workers with the first one: the main thread
  // goes on reading the files while they check (it joins them in run()).
  void queue_last() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++queued;
    }
    more.notify_one();
    if (!workers.empty() || closed) return;
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    try {
      for (std::size_t i = 1; i < std::min<std::size_t>(cores, 8); ++i)
        workers.emplace_back([this] { work(/*wait=*/true); });
    } catch (const std::system_error&) {  // no more threads: fewer workers do it
    }
  }

  void close() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      closed = true;
    }
    more.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
  }
};

PhoneChecks::PhoneChecks() : impl_(std::make_unique<Impl>()) {}

PhoneChecks::~PhoneChecks() { impl_->close(); }

void PhoneChecks::add(const Location& at, const std::string& e164) {
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> lock(m.mutex);  // a worker may be reaching into the deque
    if (m.blocks.size() == m.queued) m.blocks.emplace_back().numbers.reserve(kBlock);
  }
  Impl::Block& filling = m.blocks.back();  // only this thread touches a block being filled
  filling.numbers.emplace_back(at, e164);
  if (filling.numbers.size() == kBlock) m.queue_last();
}

void PhoneChecks::run(Diags& diags) {
  Impl& m = *impl_;
  if (m.blocks.size() > m.queued) m.queue_last();
  m.work(/*wait=*/false);  // this thread checks too, then waits for the workers
  m.close();
  if (m.failed) std::rethrow_exception(m.failed);
  for (auto& block : m.blocks)
    for (std::size_t i = 0; i < block.numbers.size(); ++i)
      report(diags, block.numbers[i].first, std::move(block.verdicts[i]));
  m.blocks.clear();
  m.taken = m.queued = 0;
  m.closed = false;
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

#include "mapping/phone_lib.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>
#include <unordered_map>
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

// The main region of a calling code ("US" for 1), asked of libphonenumber once per code:
// GetRegionCodeForCountryCode copies a list of regions at every call.
const std::string& main_region_of(int calling_code) {
  static const std::map<int, std::string> regions = [] {
    std::set<int> codes;
    util().GetSupportedCallingCodes(&codes);
    std::map<int, std::string> out;
    for (int code : codes) util().GetRegionCodeForCountryCode(code, &out[code]);
    return out;
  }();
  static const std::string unknown = "ZZ";
  const auto it = regions.find(calling_code);
  return it == regions.end() ? unknown : it->second;
}

// The number as strict E.164 text writes it: the calling code libphonenumber knows (1 to 3
// digits, as its parser finds it), then the national significant number. Not for a national
// number of two leading zeros, which libphonenumber 8.12's numbers cannot hold.
std::optional<PhoneNumber> as_written(const std::string& e164) {
  if (e164.size() < 3 || e164[0] != '+' || e164[1] == '0') return std::nullopt;
  for (std::size_t digits = 1; digits <= 3 && digits + 1 < e164.size(); ++digits) {
    const int code = std::stoi(e164.substr(1, digits));
    if (main_region_of(code) == "ZZ") continue;
    const std::string national = e164.substr(1 + digits);
    if (national.size() > 17 || national.rfind("00", 0) == 0) return std::nullopt;
    PhoneNumber n;
    n.set_country_code(code);
    n.set_national_number(std::stoull(national));
    if (national[0] == '0') n.set_italian_leading_zero(true);
    return n;
  }
  return std::nullopt;
}

Verdict verdict_of(const std::string& e164) {
  // A number valid as written is fine. libphonenumber's Parse (8 of the 11 us a number takes)
  // would also strip a national prefix written after the calling code, which strict E.164 has
  // no room for: its digits are the national number.
  const std::optional<PhoneNumber> written = as_written(e164);
  if (written && util().IsValidNumberForRegion(*written, main_region_of(written->country_code())))
    return {};
  PhoneNumber n;
  const auto parsed = util().Parse(e164, "ZZ", &n);
  if (parsed != PhoneNumberUtil::NO_PARSING_ERROR)
    return {Verdict::Error, "impossible phone number " + e164 + ": " + parse_problem(parsed)};
  // Most numbers belong to their country code's main region: asking it first spares the walk
  // over every region of the code (25 for +1) that IsValidNumber makes. Same answer. A valid
  // number is possible (both judge its length by the same metadata): that check can wait.
  const bool same = written && written->country_code() == n.country_code() &&
                    written->national_number() == n.national_number() &&
                    written->italian_leading_zero() == n.italian_leading_zero();
  if (!same && util().IsValidNumberForRegion(n, main_region_of(n.country_code()))) return {};
  const std::string problem = length_problem(n);
  if (!problem.empty()) return {Verdict::Error, "impossible phone number " + e164 + ": " + problem};
  if (!util().IsValidNumber(n)) {
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
// Files of less text than this are not looked through for numbers ahead of the reader.
constexpr std::size_t kEarlyText = 64 * 1024;

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

  // Ahead of the reader (which only sees the numbers once libyaml has built a file's tree),
  // `early` checks every "+digits" in the files' text into `memo`, until the workers start.
  std::thread early;
  std::atomic<bool> stop_early{false};
  bool early_running = false;                     // under mutex; `ended` tells its end
  std::condition_variable ended;
  std::unordered_map<std::string, Verdict> memo;  // early's own until it has ended

  void start_early(std::vector<const std::string*> texts) {
    std::size_t size = 0;
    for (const std::string* t : texts) size += t->size();
    if (size < kEarlyText) return;
    early_running = true;
    try {
      early = std::thread([this, texts = std::move(texts)] {
        try {
          for (const std::string* t : texts) look_through(*t);
        } catch (...) {  // out of memory: the workers check what is left
        }
        {
          std::lock_guard<std::mutex> lock(mutex);
          early_running = false;
        }
        ended.notify_all();
      });
    } catch (const std::system_error&) {
      early_running = false;
    }
  }

  // Until early has ended, the memo is its own; then it is read-only.
  void wait_for_early() {
    std::unique_lock<std::mutex> lock(mutex);
    ended.wait(lock, [&] { return !early_running; });
  }

  void look_through(const std::string& text) {
    auto digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
    for (std::size_t i = text.find('+'); i != std::string::npos; i = text.find('+', i + 1)) {
      if (stop_early.load(std::memory_order_relaxed)) return;
      std::size_t end = i + 1;
      while (digit(end) && end - i <= 16) ++end;
      if (end - i < 3 || digit(end) || text[i + 1] == '0') continue;
      std::string number = text.substr(i, end - i);
      if (!memo.count(number)) memo.emplace(number, verdict_of(number));
    }
  }

  void end_early() {
    stop_early = true;
    if (early.joinable()) early.join();
  }

  Verdict verdict(const std::string& e164) const {
    const auto it = memo.find(e164);
    return it != memo.end() ? it->second : verdict_of(e164);
  }

  // Checks the queued blocks until none is left; when `wait`, also waits for more until the
  // queue closes.
  void work(bool wait) {
    wait_for_early();
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
        for (const auto& n : block->numbers) block->verdicts.push_back(verdict(n.second));
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
    // The workers wait for early to end (the memo is read-only then) without holding up this
    // thread: libphonenumber's first use, which early may be in, takes ~15 ms, while the
    // reader, and apply after it, go on.
    stop_early = true;
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    try {
      for (std::size_t i = 1; i < std::min<std::size_t>(cores, 8); ++i)
        workers.emplace_back([this] { work(/*wait=*/true); });
    } catch (const std::system_error&) {  // no more threads: fewer workers do it
    }
  }

  void close() {
    end_early();
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

void PhoneChecks::look_ahead(const std::vector<MappingSource>& sources) {
  std::vector<const std::string*> texts;
  for (const auto& s : sources) texts.push_back(&s.text);
  impl_->start_early(std::move(texts));
}

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

void PhoneChecks::flush() {
  Impl& m = *impl_;
  if (m.blocks.size() > m.queued && (m.queued > 0 || m.blocks.back().numbers.size() == kBlock))
    m.queue_last();  // never the first block of a small mapping: that one starts no thread
}

void PhoneChecks::run(Diags& diags) {
  Impl& m = *impl_;
  m.end_early();
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

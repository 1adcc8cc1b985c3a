#pragma once
// Phone numbers checked by libphonenumber; its types stay in phone_impl.cpp, a module the
// first check loads (phone_module.h; private to src/mapping).
#include <memory>
#include <optional>
#include <string>

#include "mapping/diagnostics.h"
#include "mapping/load.h"

namespace xs::mapping {

// Reports at `at` what libphonenumber says of a strict E.164 number: impossible for its
// country (no such country code, too short, too long) is an error and gives false; possible
// but not valid (an unassigned area code) a warning naming the region it would belong to.
bool check_phone(Diags& diags, const Location& at, const std::string& e164);

// The same checks for many numbers, made on other cores while the files are read
// (libphonenumber takes about 10 us a number: a second for 100k numbers on one core), in
// blocks of 512: a small mapping starts no thread. run() reports what check_phone would, in
// the order the numbers were added.
class PhoneChecks {
 public:
  PhoneChecks();
  ~PhoneChecks();  // waits for the workers
  PhoneChecks(const PhoneChecks&) = delete;
  PhoneChecks& operator=(const PhoneChecks&) = delete;

  // Starts checking, on another core, the numbers written in sources (big ones only) while
  // this thread builds their YAML trees; sources must outlive this object.
  void look_ahead(const std::vector<MappingSource>& sources);
  void add(const Location& at, const std::string& e164);
  // Hands the last numbers added to the workers (started, unless the mapping is small), so
  // that they check while this thread does something else before run().
  void flush();
  void run(Diags& diags);  // checks what is left, waits, reports, then forgets the numbers

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The upper-case code of a region libphonenumber knows ("us" -> "US"), or nullopt.
std::optional<std::string> known_region(const std::string& region);

// text written as people in region write numbers ("(212) 555-0123", "+1 212 555 0123") as
// E.164, or nullopt with why set ("not a phone number", "too short", ...).
std::optional<std::string> to_e164(const std::string& text, const std::string& region,
                                   std::string& why);

}  // namespace xs::mapping

#pragma once
// Private to mapping/: the seam between xuna-sync and libphonenumber. libphonenumber and what
// it loads (ICU, protobuf, abseil; BIND_NOW) cost ~7 ms before main at every start of every
// command on the bench's 2-core VM (issue 23). So the code that calls it (phone_impl.cpp) is a
// module, xuna-sync-phone.so, loaded by the first check: in apply, on the thread that looks
// ahead while the mapping is read, off the path to the first request. A program that links
// phone_impl.cpp (the unit tests, the fuzzer) calls it directly. Its types stay in there.
#include <optional>
#include <string>

#define XS_PHONE_MODULE_EXPORT __attribute__((visibility("default")))

namespace xs::mapping {

// What libphonenumber says of a strict E.164 number: nothing, a warning, or an error.
struct Verdict {
  enum Kind { Fine, Warning, Error } kind = Fine;
  std::string message;
};

// The module's functions (the same compiler builds both sides, so C++ types cross).
struct PhoneLib {
  Verdict (*verdict_of)(const std::string& e164);
  // See phone_lib.h.
  std::optional<std::string> (*known_region)(const std::string& region);
  std::optional<std::string> (*to_e164)(const std::string& text, const std::string& region,
                                        std::string& why);
};

// The functions, linked in or loaded from the module once (util/module.h); std::runtime_error
// saying why when the module cannot be loaded.
const PhoneLib& phone_lib();

}  // namespace xs::mapping

// Defined by phone_impl.cpp.
extern "C" XS_PHONE_MODULE_EXPORT const xs::mapping::PhoneLib* xs_phone_lib();

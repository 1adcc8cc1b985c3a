#pragma once
// xuna-sync's own modules (shared objects it loads with dlopen when it needs what they hold, so
// that their libraries cost nothing at the start of a run that does not): beside the running
// executable (a build folder), else where the package installs them, relative to it
// (bin/ -> lib/<arch>/xuna-sync/).
#include <mutex>
#include <stdexcept>
#include <string>

namespace xs {

// The address of `entry` in module `file` (loaded with RTLD_NOW | RTLD_LOCAL, never unloaded),
// or nullptr with `why` saying what was tried. Not cached: callers load once.
void* load_module_entry(const std::string& file, const char* entry, std::string& why);

// A module's table of functions, `Lib`, from its entry `entry` (a function returning it),
// found once: `linked` when the program links the module's code (the entry's weak declaration
// is then set), else from module `file`. std::runtime_error, `unavailable` followed by why,
// when it cannot be had (every call).
template <class Lib>
const Lib& module_table(const Lib* (*linked)(), const char* file, const char* entry,
                        const char* unavailable) {
  static std::once_flag once;
  static const Lib* lib = nullptr;
  static std::string problem;
  std::call_once(once, [&] {
    if (linked) {
      lib = linked();
      return;
    }
    if (auto get = reinterpret_cast<const Lib* (*)()>(load_module_entry(file, entry, problem)))
      lib = get();
  });
  if (!lib) throw std::runtime_error(unavailable + problem);
  return *lib;
}

}  // namespace xs

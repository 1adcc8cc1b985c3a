#pragma once
// xuna-sync's own modules (shared objects it loads with dlopen when it needs what they hold, so
// that their libraries cost nothing at the start of a run that does not): beside the running
// executable (a build folder), else where the package installs them, relative to it
// (bin/ -> lib/<arch>/xuna-sync/).
#include <string>

namespace xs {

// The address of `entry` in module `file` (loaded with RTLD_NOW | RTLD_LOCAL, never unloaded),
// or nullptr with `why` saying what was tried. Not cached: callers load once.
void* load_module_entry(const std::string& file, const char* entry, std::string& why);

}  // namespace xs

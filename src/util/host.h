#pragma once
// This machine, as runs and locks record it.
#include <string>

namespace xs {

// The host name, or "unknown" when the system will not say.
std::string host_name();

}  // namespace xs

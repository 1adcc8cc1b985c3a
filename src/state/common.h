#pragma once
// Private to state/: small things both backends use.
#include <string>

namespace xs::state {

// A new lock token: 16 random bytes from /dev/urandom, hex. StateError if none can be read.
std::string new_lock_token();

}  // namespace xs::state

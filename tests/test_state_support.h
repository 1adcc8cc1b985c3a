#pragma once
// The state tests' temp folder: the shared one.
#include "temp_dir.h"

namespace xs::state::testing {
using xs::test::TempDir;
}  // namespace xs::state::testing

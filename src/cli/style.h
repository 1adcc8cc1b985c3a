#pragma once
// Colours on a terminal only; never with NO_COLOR or --no-color.
#include "report/style.h"

namespace xs::cli {

// The style for stdout (fd 1) or stderr (fd 2), given --no-color.
Style style_for(int fd, bool no_color);

}  // namespace xs::cli

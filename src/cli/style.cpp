#include "cli/style.h"

#include <unistd.h>

#include <cstdlib>

namespace xs::cli {

Style style_for(int fd, bool no_color) {
  Style s;
  const char* no_color_env = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  s.color = !no_color && !(no_color_env && *no_color_env) && isatty(fd) &&
            !(term && std::string(term) == "dumb");
  return s;
}

}  // namespace xs::cli

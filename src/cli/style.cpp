#include "cli/style.h"

#include <unistd.h>

#include <cstdlib>

namespace xs::cli {

Style style_for(int fd, bool no_color) {
  Style s;
  const char* term = std::getenv("TERM");  // NO_COLOR arrives as no_color (the command line)
  s.color = !no_color && isatty(fd) &&
            !(term && std::string(term) == "dumb");
  return s;
}

}  // namespace xs::cli

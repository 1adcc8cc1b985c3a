#pragma once
// Colours on a terminal only; never with NO_COLOR or --no-color.
#include <string>

namespace xs::cli {

struct Style {
  bool color = false;
  std::string green(const std::string& s) const { return wrap("32", s); }
  std::string yellow(const std::string& s) const { return wrap("33", s); }
  std::string red(const std::string& s) const { return wrap("31", s); }
  std::string bold(const std::string& s) const { return wrap("1", s); }

 private:
  std::string wrap(const char* code, const std::string& s) const {
    return color ? "\x1b[" + std::string(code) + "m" + s + "\x1b[0m" : s;
  }
};

// The style for stdout (fd 1) or stderr (fd 2), given --no-color.
Style style_for(int fd, bool no_color);

}  // namespace xs::cli

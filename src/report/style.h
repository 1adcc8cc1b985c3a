#pragma once
// Colours for text output; whether to use them is the caller's choice (cli/style.h decides
// from the terminal, NO_COLOR and --no-color).
#include <string>

namespace xs {

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

}  // namespace xs

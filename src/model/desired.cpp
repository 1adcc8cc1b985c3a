#include "model/desired.h"

namespace xs {

std::string Location::str() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (col > 0) s += ":" + std::to_string(col);
  }
  return s;
}

}  // namespace xs

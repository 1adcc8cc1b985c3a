#pragma once
// Collects the mapping room's diagnostics (private to src/mapping).
#include <string>
#include <vector>

#include "mapping/load.h"

namespace xs::mapping {

struct Diags {
  std::vector<Diagnostic> list;
  void error(const Location& at, std::string message) { list.push_back({at, std::move(message)}); }
  void warning(const Location& at, std::string message) {
    list.push_back({at, std::move(message), true});
  }
};

// Orders by each file's place in order (unknown files last), then line, then col; stable.
void sort_diagnostics(std::vector<Diagnostic>& diags, const std::vector<std::string>& order);

}  // namespace xs::mapping

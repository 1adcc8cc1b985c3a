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

// At most the first 40 characters of text (UTF-8), then "..." when there is more: how a
// diagnostic quotes a value it refuses, a line of a side file above all.
std::string excerpt(const std::string& text);

// Orders by each file's place in order (unknown files last), then line, then col; stable.
void sort_diagnostics(std::vector<Diagnostic>& diags, const std::vector<std::string>& order);

}  // namespace xs::mapping

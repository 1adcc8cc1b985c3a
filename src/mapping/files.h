#pragma once
// From paths (files and folders) to sources (private to src/mapping).
#include <string>
#include <vector>

#include "mapping/load.h"

namespace xs::mapping {

struct Collected {
  std::vector<MappingSource> sources;
  std::vector<std::string> roots;       // per source: the folder named, or "" (its own)
  std::vector<Diagnostic> problems;     // paths that could not be read, or held nothing
  std::vector<std::string> order;       // every path read or refused, in the order given
};

// Expands paths as load_mapping says (default ./mappings) and reads the files.
Collected collect(const std::vector<std::string>& paths);

}  // namespace xs::mapping

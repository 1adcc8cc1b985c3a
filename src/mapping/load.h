#pragma once
// Mapping files -> Desired. Parsing and validation only: no network, no environment.
#include <string>
#include <vector>

#include "model/desired.h"

namespace xs {

struct Diagnostic {
  Location loc;
  std::string message;
  bool warning = false;
  // "FILE:LINE:COL: message" ("warning: " before the message for warnings).
  std::string str() const;
};

struct MappingSource {
  std::string name;  // the path as given, used in every Location
  std::string text;
};

struct LoadResult {
  Desired desired;                       // meaningful only when ok()
  std::vector<Diagnostic> diagnostics;   // sorted by file, line, col
  bool ok() const;                       // no diagnostic is an error
};

// Parses and validates sources as one merged mapping; every problem is reported, none throws.
LoadResult load_mapping_sources(const std::vector<MappingSource>& sources);

// Expands paths (files, or folders: their *.yaml, *.yml, *.json, sorted; default ./mappings)
// and loads them. An unreadable path or an empty selection is a diagnostic, not an exception.
LoadResult load_mapping(const std::vector<std::string>& paths);

}  // namespace xs

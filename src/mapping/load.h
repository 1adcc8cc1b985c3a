#pragma once
// Mapping files -> Desired. Parsing and validation only: no network, no environment.
#include <memory>
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

// How mapping files are read (set by the command line; the mapping room reads no environment).
struct LoadOptions {
  // Side files (calls_csv, suppress) may resolve outside the mapping's root folder. Files that
  // are not regular (devices, FIFOs, /proc) are refused all the same.
  bool allow_outside_files = false;
  // Per source, the folder its side files must stay in; "" or absent: the folder of its name.
  std::vector<std::string> roots;
};

struct LoadResult {
  Desired desired;                       // meaningful only when ok()
  std::vector<Diagnostic> diagnostics;   // sorted by file, line, col
  bool ok() const;                       // no diagnostic is an error
};

// Parses and validates sources as one merged mapping; every problem is reported, none throws.
LoadResult load_mapping_sources(const std::vector<MappingSource>& sources,
                                const LoadOptions& options = {});

// Expands paths (files, or folders: their *.yaml, *.yml, *.json, sorted; default ./mappings)
// and loads them. An unreadable path or an empty selection is a diagnostic, not an exception.
// The root of a file named by a folder is that folder; of a file named itself, its folder.
LoadResult load_mapping(const std::vector<std::string>& paths, const LoadOptions& options = {});

// load_mapping in two steps. When the constructor returns, the files are read, parsed and
// merged; the phone numbers' checks (libphonenumber takes ~15 ms to start, then a few us a
// number, on the other cores) go on until finish(). apply asks for its lists meanwhile: the
// mapping they are for is known, only whether its numbers are possible is not yet.
class MappingLoad {
 public:
  explicit MappingLoad(const std::vector<std::string>& paths, const LoadOptions& options = {});
  explicit MappingLoad(std::vector<MappingSource> sources, const LoadOptions& options = {});
  ~MappingLoad();  // waits for the checks
  MappingLoad(const MappingLoad&) = delete;
  MappingLoad& operator=(const MappingLoad&) = delete;

  // No diagnostic so far is an error (files, YAML, fields, merge): the numbers' checks may
  // still find some.
  bool read_ok() const;
  // The merged mapping, its numbers not yet checked (meaningful when read_ok()); it may be
  // moved out: the checks keep what they need.
  Desired& desired();
  // Waits for the checks, then gives every diagnostic, sorted by file, line, col: with
  // desired(), what load_mapping gives. Called once.
  std::vector<Diagnostic> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xs

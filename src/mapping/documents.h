#pragma once
// Loading the first YAML document of a file without yaml-cpp 0.7's LoadAll, which loops forever,
// allocating, on a stray ',' (jbeder/yaml-cpp#1040). Private to src/mapping.
#include <optional>
#include <string>

#include "mapping/yaml_read.h"

namespace xs::mapping {

struct Documents {
  YAML::Node root;                   // the first document (Null when there is none)
  std::optional<YAML::Mark> second;  // where a second document starts, if any
  std::optional<YAML::Mark> stuck;   // a token yaml-cpp cannot get past, if any
};

// Parses text's first document and looks for more, never looping; throws YAML::Exception on
// syntax errors, like YAML::Load.
Documents load_documents(const std::string& text);

}  // namespace xs::mapping

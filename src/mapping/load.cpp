#include "mapping/load.h"

#include <utility>

#include "mapping/diagnostics.h"
#include "mapping/parse.h"
#include "mapping/phone_lib.h"
#include "mapping/resolve.h"

namespace xs {

LoadResult load_mapping_sources(const std::vector<MappingSource>& sources) {
  mapping::Diags diags;
  mapping::PhoneChecks phones;
  std::vector<mapping::ParsedFile> files;
  std::vector<std::string> order;
  files.reserve(sources.size());
  for (const auto& s : sources) {
    files.push_back(mapping::parse_source(s, diags, phones));
    order.push_back(s.name);
  }
  LoadResult result;
  try {
    phones.run(diags);
  } catch (const std::exception& e) {
    diags.error({}, std::string("cannot check phone numbers: ") + e.what());
  }
  try {
    result.desired = mapping::resolve(std::move(files), diags);
  } catch (const std::exception& e) {  // e.g. out of memory: still a diagnostic, not a crash
    diags.error({}, std::string("cannot merge mapping files: ") + e.what());
  }
  result.diagnostics = std::move(diags.list);
  mapping::sort_diagnostics(result.diagnostics, order);
  return result;
}

}  // namespace xs

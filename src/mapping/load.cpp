#include "mapping/load.h"

#include <iterator>
#include <utility>

#include "mapping/diagnostics.h"
#include "mapping/parse.h"
#include "mapping/phone_lib.h"
#include "mapping/resolve.h"

namespace xs {

LoadResult load_mapping_sources(const std::vector<MappingSource>& sources,
                                const LoadOptions& options) {
  mapping::Diags diags;
  mapping::PhoneChecks phones;
  std::vector<mapping::ParsedFile> files;
  std::vector<std::string> order;
  files.reserve(sources.size());
  phones.look_ahead(sources);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto& s = sources[i];
    const std::string root = i < options.roots.size() ? options.roots[i] : "";
    files.push_back(mapping::parse_source(s, diags, phones, root, options.allow_outside_files));
    order.push_back(s.name);
  }
  LoadResult result;
  // The numbers are checked while the files are merged (neither needs the other); the
  // merge's reports come after the checks', as when one followed the other.
  phones.flush();
  mapping::Diags merged;
  try {
    result.desired = mapping::resolve(std::move(files), merged);
  } catch (const std::exception& e) {  // e.g. out of memory: still a diagnostic, not a crash
    merged.error({}, std::string("cannot merge mapping files: ") + e.what());
  }
  try {
    phones.run(diags);
  } catch (const std::exception& e) {
    diags.error({}, std::string("cannot check phone numbers: ") + e.what());
  }
  diags.list.insert(diags.list.end(), std::make_move_iterator(merged.list.begin()),
                    std::make_move_iterator(merged.list.end()));
  result.diagnostics = std::move(diags.list);
  mapping::sort_diagnostics(result.diagnostics, order);
  return result;
}

}  // namespace xs

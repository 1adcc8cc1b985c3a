#include "mapping/load.h"

#include <iterator>
#include <utility>

#include "mapping/diagnostics.h"
#include "mapping/files.h"
#include "mapping/parse.h"
#include "mapping/phone_lib.h"
#include "mapping/resolve.h"

namespace xs {
namespace {

struct Loading {
  std::vector<MappingSource> owned;          // read here from paths (the checks read them)
  const std::vector<MappingSource>* sources = &owned;
  std::vector<Diagnostic> problems;          // paths that could not be read
  std::vector<std::string> order;            // the files in the order given, for the sort
  mapping::Diags diags;                      // the files', then the numbers' checks'
  mapping::Diags merged;                     // the merge's, after the checks'
  mapping::PhoneChecks phones;
  Desired desired;
  bool finished = false;

  // Parses and merges; the numbers go to the checks, which go on after this returns.
  void read(const LoadOptions& options) {
    std::vector<mapping::ParsedFile> files;
    files.reserve(sources->size());
    const bool by_name = order.empty();  // else the paths' order, problems among them
    phones.look_ahead(*sources);
    for (std::size_t i = 0; i < sources->size(); ++i) {
      const auto& s = (*sources)[i];
      const std::string root = i < options.roots.size() ? options.roots[i] : "";
      files.push_back(mapping::parse_source(s, diags, phones, root, options.allow_outside_files));
      if (by_name) order.push_back(s.name);
    }
    // The numbers are checked while the files are merged (neither needs the other), and
    // while the caller does what it can before finish(); the merge's reports come after the
    // checks', as when one followed the other.
    phones.flush();
    try {
      desired = mapping::resolve(std::move(files), merged);
    } catch (const std::exception& e) {  // e.g. out of memory: still a diagnostic, not a crash
      merged.error({}, std::string("cannot merge mapping files: ") + e.what());
    }
  }

  std::vector<Diagnostic> finish() {
    finished = true;
    try {
      phones.run(diags);
    } catch (const std::exception& e) {  // out of memory, no phone module: at the first file
      Location at;
      if (!sources->empty()) at.file = (*sources)[0].name;
      diags.error(at, std::string("cannot check phone numbers: ") + e.what());
    }
    std::vector<Diagnostic> out = std::move(diags.list);
    out.insert(out.end(), std::make_move_iterator(merged.list.begin()),
               std::make_move_iterator(merged.list.end()));
    out.insert(out.end(), std::make_move_iterator(problems.begin()),
               std::make_move_iterator(problems.end()));
    mapping::sort_diagnostics(out, order);
    return out;
  }

  bool read_ok() const {
    for (const auto* list : {&diags.list, &merged.list, &problems})
      for (const auto& d : *list)
        if (!d.warning) return false;
    return true;
  }
};

}  // namespace

struct MappingLoad::Impl : Loading {};

LoadResult load_mapping_sources(const std::vector<MappingSource>& sources,
                                const LoadOptions& options) {
  Loading m;
  m.sources = &sources;
  m.read(options);
  LoadResult result;
  result.diagnostics = m.finish();
  result.desired = std::move(m.desired);
  return result;
}

LoadResult load_mapping(const std::vector<std::string>& paths, const LoadOptions& options) {
  MappingLoad m(paths, options);
  LoadResult result;
  result.diagnostics = m.finish();
  result.desired = std::move(m.desired());
  return result;
}

MappingLoad::MappingLoad(const std::vector<std::string>& paths, const LoadOptions& options)
    : impl_(std::make_unique<Impl>()) {
  mapping::Collected c = mapping::collect(paths);
  impl_->owned = std::move(c.sources);
  impl_->problems = std::move(c.problems);
  impl_->order = std::move(c.order);
  LoadOptions with_roots = options;
  with_roots.roots = std::move(c.roots);
  impl_->read(with_roots);
}

MappingLoad::MappingLoad(std::vector<MappingSource> sources, const LoadOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->owned = std::move(sources);
  impl_->read(options);
}

MappingLoad::~MappingLoad() = default;  // ~PhoneChecks waits for the workers

bool MappingLoad::read_ok() const { return impl_->read_ok(); }

Desired& MappingLoad::desired() { return impl_->desired; }

std::vector<Diagnostic> MappingLoad::finish() { return impl_->finish(); }

}  // namespace xs

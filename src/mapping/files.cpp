// collect: from paths (files and folders) to sources.
#include "mapping/files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "mapping/diagnostics.h"

namespace fs = std::filesystem;

namespace xs {
namespace {

bool is_mapping_file_name(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;  // hidden files, editor locks
  std::string ext = fs::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

class Collector {
 public:
  void add_path(const std::string& path) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      problem(path, "cannot access: " + ec.message());
    } else if (!fs::exists(st)) {
      problem(path, "no such file or directory");
    } else if (fs::is_directory(st)) {
      add_folder(path);
    } else {
      add_file(path, "");
    }
  }

  mapping::Collected take() {
    return {std::move(sources_), std::move(roots_), std::move(problems_), std::move(order_)};
  }

 private:
  void problem(const std::string& path, const std::string& message) {
    order_.push_back(path);
    Diagnostic d;
    d.loc.file = path;
    d.message = message;
    problems_.push_back(std::move(d));
  }

  void add_folder(const std::string& folder) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      std::error_code type_ec;
      if (is_mapping_file_name(name) && !it->is_directory(type_ec)) names.push_back(name);
    }
    if (ec) {
      problem(folder, "cannot read folder: " + ec.message());
      return;
    }
    if (names.empty()) {
      problem(folder, "no mapping files (*.yaml, *.yml, *.json) in this folder");
      return;
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) add_file((fs::path(folder) / name).string(), folder);
  }

  // root: the folder named on the command line, or "" (the file's own folder).
  void add_file(const std::string& path, const std::string& root) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    if (!ec && !seen_.insert(canonical.string()).second) return;  // named twice: read once
    std::string text;
    if (!read_whole(path, text)) {
      problem(path, std::string("cannot read: ") + std::strerror(errno));
      return;
    }
    if (text.size() > kMaxFileBytes) {
      problem(path, "too large: more than 1 GiB");
      return;
    }
    order_.push_back(path);
    sources_.push_back({path, std::move(text)});
    roots_.push_back(root);
  }

  // The file's bytes in one string sized once (the file is in memory once); false with errno
  // set when it cannot be read. Stops one byte past kMaxFileBytes.
  static bool read_whole(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (!ec) out.reserve(std::min<std::uintmax_t>(size, kMaxFileBytes + 1));
    char buffer[1 << 16];
    while (out.size() <= kMaxFileBytes && in.read(buffer, sizeof buffer).gcount() > 0) {
      out.append(buffer, static_cast<size_t>(in.gcount()));
    }
    return !in.bad();
  }

  static constexpr size_t kMaxFileBytes = size_t{1} << 30;

  std::vector<MappingSource> sources_;
  std::vector<std::string> roots_;  // per source
  std::vector<Diagnostic> problems_;
  std::vector<std::string> order_;
  std::set<std::string> seen_;
};

}  // namespace

namespace mapping {

Collected collect(const std::vector<std::string>& paths) {
  Collector c;
  for (const auto& p : paths.empty() ? std::vector<std::string>{"mappings"} : paths) {
    c.add_path(p);
  }
  return c.take();
}

}  // namespace mapping
}  // namespace xs

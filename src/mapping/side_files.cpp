#include "mapping/side_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace xs::mapping {

constexpr long long kMaxSideFileBytes = 64ll << 20;

std::string beside(const std::string& mapping_file, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  const auto slash = mapping_file.find_last_of('/');
  return slash == std::string::npos ? path : mapping_file.substr(0, slash + 1) + path;
}

std::optional<std::string> read_side_file(Ctx& ctx, const Location& at, const std::string& what,
                                          const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    const int e = errno;
    ctx.error(at, "cannot read " + what + " '" + file +
                      "': " + (e == ENOENT ? "no such file" : std::strerror(e)));
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode) || st.st_size > kMaxSideFileBytes) {
    ctx.error(at, what + " '" + file + "' is not a regular file of at most 64 MiB");
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    ctx.error(at, "cannot read " + what + " '" + file + "': " + std::strerror(errno));
    return std::nullopt;
  }
  return text.str();
}

void strip_bom(std::string& text) {
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
}

}  // namespace xs::mapping

#include "mapping/side_files.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace xs::mapping {
namespace {

constexpr long long kMaxSideFileBytes = 64ll << 20;
constexpr const char* kNotRegular =
    "' is not a regular file (a device, a FIFO, a folder, or a file of /proc or /sys): refused";

// The folder side files of ctx's mapping must stay in: the folder given with -f, or the
// mapping file's own folder.
std::string root_of(const Ctx& ctx) {
  if (!ctx.root.empty()) return ctx.root;
  const std::string file = ctx.file;
  const auto slash = file.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : file.substr(0, slash);
}

// path with every symbolic link resolved, or "" when it cannot be.
std::string real_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return "";
  std::string out(resolved);
  std::free(resolved);
  return out;
}

bool inside(const std::string& file, const std::string& folder) {
  if (folder == "/") return true;
  return file.size() > folder.size() && file.compare(0, folder.size(), folder) == 0 &&
         file[folder.size()] == '/';
}

bool pseudo_path(const std::string& real) {
  for (const char* prefix : {"/proc/", "/sys/", "/dev/"}) {
    if (real.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// Files of proc and sysfs say they are regular, with size 0, and hold what a process must not
// print (its environment, say).
bool pseudo_file_system(int fd) {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return false;
  const auto type = static_cast<unsigned long>(fs.f_type);
  return type == PROC_SUPER_MAGIC || type == SYSFS_MAGIC || type == DEBUGFS_MAGIC ||
         type == TRACEFS_MAGIC || type == SECURITYFS_MAGIC || type == CGROUP_SUPER_MAGIC ||
         type == CGROUP2_SUPER_MAGIC;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string beside(const std::string& mapping_file, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  const auto slash = mapping_file.find_last_of('/');
  return slash == std::string::npos ? path : mapping_file.substr(0, slash + 1) + path;
}

std::optional<std::string> read_side_file(Ctx& ctx, const Location& at, const std::string& what,
                                          const std::string& file) {
  const auto cannot = [&](int e) {
    ctx.error(at, "cannot read " + what + " '" + file +
                      "': " + (e == ENOENT ? "no such file" : std::strerror(e)));
    return std::nullopt;
  };
  // Looked at before it is opened: a FIFO or a device is never opened at all.
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return cannot(errno);
  const std::string real = real_path(file);
  if (real.empty()) return cannot(errno);
  if (!S_ISREG(st.st_mode) || pseudo_path(real)) {
    ctx.error(at, what + " '" + file + kNotRegular);
    return std::nullopt;
  }
  const std::string root = root_of(ctx);
  const std::string real_root = real_path(root);
  if (!ctx.allow_outside_files && (real_root.empty() || !inside(real, real_root))) {
    ctx.error(at, what + " '" + file + "' is outside the mapping's folder '" + root + "'" +
                      (real != file ? " (it resolves to '" + real + "')" : "") +
                      ": refused; --allow-outside-files reads it");
    return std::nullopt;
  }
  const Fd fd(::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) return cannot(errno);
  struct stat opened {};
  if (::fstat(fd.get(), &opened) != 0) return cannot(errno);
  if (!S_ISREG(opened.st_mode) || opened.st_dev != st.st_dev || opened.st_ino != st.st_ino ||
      pseudo_file_system(fd.get())) {
    ctx.error(at, what + " '" + file + kNotRegular);
    return std::nullopt;
  }
  if (opened.st_size > kMaxSideFileBytes) {
    ctx.error(at, what + " '" + file + "' is larger than 64 MiB");
    return std::nullopt;
  }
  std::string text;
  text.reserve(static_cast<std::size_t>(opened.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cannot(errno);
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > static_cast<std::size_t>(kMaxSideFileBytes)) {
      ctx.error(at, what + " '" + file + "' is larger than 64 MiB");
      return std::nullopt;
    }
  }
  return text;
}

void strip_bom(std::string& text) {
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
}

}  // namespace xs::mapping

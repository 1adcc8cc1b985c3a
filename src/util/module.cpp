#include "util/module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>

#ifndef XS_MODULE_RELDIR
#define XS_MODULE_RELDIR "../lib/xuna-sync"  // CMake gives the installed layout's
#endif

namespace xs {
namespace {

// The folder of the running executable, "" when /proc does not say.
std::string executable_dir() {
  char path[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return {};
  std::string p(path, static_cast<std::size_t>(n));
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? std::string() : p.substr(0, slash);
}

}  // namespace

void* load_module_entry(const std::string& file, const char* entry, std::string& why) {
  const std::string dir = executable_dir();
  std::string tried;
  for (const std::string& candidate :
       {dir + "/" + file, dir + "/" + XS_MODULE_RELDIR + "/" + file}) {
    if (dir.empty()) break;
    void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* error = ::dlerror();
      if (::access(candidate.c_str(), F_OK) == 0)  // there, but it would not load
        tried = candidate + ": " + (error ? error : "cannot be loaded");
      continue;
    }
    if (void* found = ::dlsym(handle, entry)) return found;
    tried = candidate + ": no entry " + entry;
  }
  why = tried.empty() ? file + " was not found beside the executable or in " +
                            (dir.empty() ? std::string("its library folder")
                                         : dir + "/" + XS_MODULE_RELDIR)
                      : tried;
  return nullptr;
}

}  // namespace xs

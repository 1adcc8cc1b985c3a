// open_pg_store: the PostgreSQL backend, linked in or loaded as a module (pg_module.h).
#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <mutex>

#include "state/pg_module.h"

// Resolved only where the backend is linked in (the unit tests); the command loads it.
extern "C" xs::state::Store* xs_state_open_pg(const std::string& uri, xs::state::OpenMode mode)
    __attribute__((weak));

#ifndef XS_PG_MODULE_RELDIR
#define XS_PG_MODULE_RELDIR "../lib/xuna-sync"  // CMake gives the installed layout's
#endif

namespace xs::state {
namespace {

constexpr const char* kModule = "xuna-sync-postgres.so";
using OpenPg = Store* (*)(const std::string&, OpenMode);

// The folder of the running executable, "" when /proc does not say.
std::string executable_dir() {
  char path[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return {};
  std::string p(path, static_cast<std::size_t>(n));
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? std::string() : p.substr(0, slash);
}

// The module's entry: beside the executable (a build folder), else where the package puts
// it relative to the executable (bin/ -> lib/<arch>/xuna-sync/). Loaded once, never unloaded.
OpenPg load_module() {
  static std::once_flag once;
  static OpenPg entry = nullptr;
  static std::string problem;
  std::call_once(once, [] {
    const std::string dir = executable_dir();
    std::string tried;
    for (const std::string& candidate :
         {dir + "/" + kModule, dir + "/" + XS_PG_MODULE_RELDIR + "/" + kModule}) {
      if (dir.empty()) break;
      void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        const char* why = ::dlerror();
        if (::access(candidate.c_str(), F_OK) == 0)  // there, but it would not load
          tried = candidate + ": " + (why ? why : "cannot be loaded");
        continue;
      }
      entry = reinterpret_cast<OpenPg>(::dlsym(handle, "xs_state_open_pg"));
      if (entry) return;
      tried = candidate + ": no entry xs_state_open_pg";
    }
    problem = tried.empty() ? std::string(kModule) + " was not found beside the executable or in " +
                                  (dir.empty() ? std::string("its library folder")
                                               : dir + "/" + XS_PG_MODULE_RELDIR)
                            : tried;
  });
  if (!entry)
    throw StateError("PostgreSQL states are not available in this installation: " + problem);
  return entry;
}

}  // namespace

std::unique_ptr<Store> open_pg_store(const std::string& uri, OpenMode mode) {
  OpenPg open = xs_state_open_pg ? &xs_state_open_pg : load_module();
  return std::unique_ptr<Store>(open(uri, mode));
}

}  // namespace xs::state

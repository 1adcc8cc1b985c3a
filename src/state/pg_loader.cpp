// open_pg_store: the PostgreSQL backend, linked in or loaded as a module (pg_module.h).
#include <mutex>

#include "state/pg_module.h"
#include "util/module.h"

// Resolved only where the backend is linked in (the unit tests); the command loads it.
extern "C" xs::state::Store* xs_state_open_pg(const std::string& uri, xs::state::OpenMode mode)
    __attribute__((weak));

namespace xs::state {
namespace {

constexpr const char* kModule = "xuna-sync-postgres.so";
using OpenPg = Store* (*)(const std::string&, OpenMode);

// The module's entry (util/module.h), loaded once.
OpenPg load_module() {
  static std::once_flag once;
  static OpenPg entry = nullptr;
  static std::string problem;
  std::call_once(once, [] {
    entry = reinterpret_cast<OpenPg>(load_module_entry(kModule, "xs_state_open_pg", problem));
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

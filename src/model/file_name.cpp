#include "model/file_name.h"

#include <mutex>
#include <unordered_set>

namespace xs {
namespace {

// The names seen: few (the mapping files and the files they name), never forgotten.
const std::string* interned(const std::string& name) {
  static std::mutex mutex;
  static auto* names = new std::unordered_set<std::string>();  // outlives static destructors
  std::lock_guard<std::mutex> lock(mutex);
  return &*names->insert(name).first;
}

}  // namespace

FileName::FileName() {
  static const std::string* const empty = interned(std::string());
  name_ = empty;
}
FileName::FileName(const std::string& name) : name_(interned(name)) {}
FileName::FileName(const char* name) : name_(interned(name)) {}

}  // namespace xs

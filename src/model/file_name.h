#pragma once
// A mapping file's name as the places in it hold it: kept once per process however many places
// point into the file (a mapping of 100k numbers has half a million), so a copy is a pointer.
#include <ostream>
#include <string>

namespace xs {

class FileName {
 public:
  FileName();                          // ""
  FileName(const std::string& name);   // NOLINT: implicit, a name is a name
  FileName(const char* name);          // NOLINT
  operator const std::string&() const { return *name_; }  // NOLINT
  const std::string& str() const { return *name_; }
  bool empty() const { return name_->empty(); }

  friend bool operator==(const FileName& a, const FileName& b) { return a.name_ == b.name_; }
  friend bool operator!=(const FileName& a, const FileName& b) { return a.name_ != b.name_; }
  friend std::ostream& operator<<(std::ostream& os, const FileName& f) { return os << *f.name_; }

 private:
  const std::string* name_;  // in a set that lives as long as the process, never erased
};

}  // namespace xs

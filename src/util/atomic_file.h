#pragma once
// Replacing a file so readers see the old content or the new, never a part.
#include <string>

namespace xs {

// Writes content to a temporary file in path's folder (".NAME.tmp.XXXXXX", mode 0644), flushes
// it to disk and renames it over path. On failure removes the temporary file and throws
// std::runtime_error naming path and the reason; path is then left as it was.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace xs

#pragma once
// Files a mapping names beside itself (calls_csv, suppress), read whole and bounded (private
// to src/mapping).
#include <optional>
#include <string>

#include "mapping/yaml_read.h"

namespace xs::mapping {

// path as the user would open it: relative to the folder of mapping_file unless absolute.
std::string beside(const std::string& mapping_file, const std::string& path);

// The text of file, or nullopt with a diagnostic at `at`. Read only when it is a regular file
// (looked at before it is opened: a FIFO or a device is never opened; /proc and /sys files
// are refused) of at most 64 MiB, and, unless ctx.allow_outside_files, when it resolves
// (symbolic links included) inside the mapping's folder (ctx.root, else the folder of
// ctx.file). "cannot read WHAT 'FILE': no such file", "WHAT 'FILE' is not a regular file
// (...): refused", "WHAT 'FILE' is outside the mapping's folder 'ROOT' (...): refused;
// --allow-outside-files reads it", "cannot read WHAT 'FILE': REASON".
std::optional<std::string> read_side_file(Ctx& ctx, const Location& at, const std::string& what,
                                          const std::string& file);

// Drops a leading UTF-8 byte order mark (Excel's "CSV UTF-8" starts with one).
void strip_bom(std::string& text);

}  // namespace xs::mapping

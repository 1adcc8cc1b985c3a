#pragma once
// Free text from a mapping (labels, names, messages) that could forge a line of text output
// (private to src/mapping).
#include <string>

#include "mapping/diagnostics.h"

namespace xs::mapping {

// Reports, at `at`, the first character of text that could forge output: a NUL is an error
// ("WHAT contains a NUL character"); another control character (C0, DEL, C1) or a bidi
// override or isolate (U+202A..U+202E, U+2066..U+2069) a warning naming it as U+XXXX.
// False when text holds a NUL.
bool check_text(Diags& diags, const Location& at, const std::string& what, const std::string& text);

}  // namespace xs::mapping

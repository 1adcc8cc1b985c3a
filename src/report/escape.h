#pragma once
// Text that cannot lie: what a user or a server wrote (a label, an error message) is data. In
// text output it is escaped so that it can never forge a plan line or move the cursor.
#include <string>
#include <string_view>

namespace xs {

// text with control characters (C0, DEL, C1) written as \n, \r, \t, \e or \xHH, Unicode
// bidi overrides and isolates (U+202A..U+202E, U+2066..U+2069) as \u{HHHH}, bytes that are
// not UTF-8 as \xHH, and a backslash as \\. With quotes, a '"' becomes \" too.
std::string printable(std::string_view text, bool quotes = false);

}  // namespace xs

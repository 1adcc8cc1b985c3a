#pragma once
// Text that cannot lie: what a user or a server wrote (a label, an error message) is data. On
// every output path (text reports, diagnostics, text and JSON log lines) it is escaped by this
// one function so that it can never forge a line or move the cursor.
#include <string>
#include <string_view>

namespace xs {

// text with control characters (C0, DEL, C1) written as \n, \r, \t, \e or \xHH, Unicode
// bidi overrides and isolates (U+202A..U+202E, U+2066..U+2069) as \u{HHHH}, bytes that are
// not UTF-8 as \xHH, and a backslash as \\. With quotes, a '"' becomes \" too.
std::string printable(std::string_view text, bool quotes = false);

// A JSON text (as a JSON library wrote it: control characters already escaped) with the
// characters printable() escapes but JSON may leave raw (C1 controls, bidi overrides and
// isolates) written as \uHHHH escapes: the same data once parsed, and no byte a terminal or a
// code review would obey. Those characters can only occur inside JSON strings.
std::string json_printable(std::string_view json);

}  // namespace xs

#pragma once
// Friendlier YAML syntax errors, found in the file's raw text (private to src/mapping).
#include <string>

#include "mapping/diagnostics.h"

namespace xs::mapping {

// Reports a YAML syntax error the parser raised at `at`: "tabs cannot indent YAML; use
// spaces" at the tab when the indentation of that line or the one before holds a tab,
// otherwise message at `at`.
void report_syntax_error(Diags& diags, const std::string& text, const Location& at,
                         const std::string& message);

}  // namespace xs::mapping

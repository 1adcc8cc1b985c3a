#pragma once
// A small RFC 4180 reader for batch-call lists: quoted fields, "" escapes, CRLF or LF.
#include <string>
#include <vector>

namespace xs::mapping {

struct CsvField {
  std::string text;
  int line = 0;  // 1-based, where the field starts
  int col = 0;
};

struct CsvRow {
  std::vector<CsvField> fields;
  int line = 0;
};

struct CsvResult {
  std::vector<CsvRow> rows;  // blank lines skipped
  std::string error;         // set on an unterminated quote, with error_line/col
  int error_line = 0, error_col = 0;
};

CsvResult parse_csv(const std::string& text);

}  // namespace xs::mapping

#include "mapping/csv.h"

namespace xs::mapping {

CsvResult parse_csv(const std::string& text) {
  CsvResult out;
  CsvRow row;
  CsvField field;
  int line = 1, col = 1;
  bool in_quotes = false, field_started = false, row_has_content = false;
  auto start_field = [&] {
    if (!field_started) {
      field.line = line;
      field.col = col;
      field_started = true;
    }
  };
  auto end_field = [&] {
    start_field();
    row.fields.push_back(std::move(field));
    field = CsvField{};
    field_started = false;
  };
  auto end_row = [&] {
    if (row_has_content) {
      end_field();
      out.rows.push_back(std::move(row));
    }
    row = CsvRow{};
    field = CsvField{};
    field_started = false;
    row_has_content = false;
  };
  int quote_line = 0, quote_col = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.text += '"';
        ++i;
        col += 2;
        continue;
      }
      if (c == '"') {
        in_quotes = false;
      } else {
        field.text += c;
      }
      if (c == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n') {
      end_row();
      ++line;
      col = 1;
      continue;
    }
    if (!row_has_content) row.line = line;
    row_has_content = true;
    if (c == ',') {
      end_field();
    } else if (c == '"' && !field_started) {
      start_field();
      in_quotes = true;
      quote_line = line;
      quote_col = col;
    } else {
      start_field();
      field.text += c;
    }
    ++col;
  }
  if (in_quotes) {
    out.error = "unterminated quoted field";
    out.error_line = quote_line;
    out.error_col = quote_col;
    return out;
  }
  end_row();
  return out;
}

}  // namespace xs::mapping

#include "mapping/suppress.h"

#include "mapping/csv.h"
#include "mapping/e164.h"
#include "mapping/message_template.h"
#include "mapping/phone_lib.h"
#include "mapping/sections.h"
#include "mapping/side_files.h"

namespace xs::mapping {
namespace {

bool is_blank(const std::string& s) {
  return s.find_first_not_of(" \t") == std::string::npos;
}

std::string trimmed(const std::string& s) {
  if (is_blank(s)) return "";
  return s.substr(s.find_first_not_of(" \t"),
                  s.find_last_not_of(" \t") - s.find_first_not_of(" \t") + 1);
}

// Adds the number written at f to out.suppressed, or reports why it cannot.
void add_number(Ctx& ctx, const std::string& file, const CsvField& f, ParsedFile& out) {
  const Location at{file, f.line, f.col};
  const std::string text = trimmed(f.text);
  if (is_e164(text)) {
    out.suppressed.push_back(text);
    return;
  }
  if (out.default_region.empty()) {
    ctx.error(at, e164_error(text));
    return;
  }
  std::string why;
  if (auto e164 = to_e164(text, out.default_region, why)) {
    out.suppressed.push_back(*e164);
  } else {
    ctx.error(at, "invalid phone number '" + excerpt(text) + "' for region " + out.default_region +
                      ": " + why);
  }
}

void read_file(Ctx& ctx, const Location& at, const std::string& file, ParsedFile& out) {
  auto text = read_side_file(ctx, at, "suppression file", file);
  if (!text) return;
  strip_bom(*text);
  const CsvResult csv = parse_csv(*text);
  if (!csv.error.empty()) {
    ctx.error(Location{file, csv.error_line, csv.error_col}, csv.error);
    return;
  }
  out.suppress_files.push_back(file);
  if (csv.rows.empty()) return;
  const auto& header = csv.rows[0].fields;
  for (std::size_t column = 0; column < header.size(); ++column) {
    if (column_key(header[column].text) != "phone_number") continue;
    for (std::size_t r = 1; r < csv.rows.size(); ++r) {
      const auto& fields = csv.rows[r].fields;
      if (column < fields.size() && !is_blank(fields[column].text)) {
        add_number(ctx, file, fields[column], out);
      }
    }
    return;
  }
  for (const auto& row : csv.rows) {
    if (trimmed(row.fields[0].text).compare(0, 1, "#") == 0) continue;
    if (row.fields.size() != 1) {
      ctx.error(Location{file, row.line, 1},
                "expected one phone number per line (or a CSV with a 'phone_number' column)");
      continue;
    }
    add_number(ctx, file, row.fields[0], out);
  }
}

}  // namespace

void read_suppress(Ctx& ctx, const Entry& section, ParsedFile& out) {
  if (!section_is(ctx, section, yaml::NodeType::Sequence, "list")) return;
  for (const auto& item : section.value) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      ctx.error(ctx.loc(item), "expected a file name for each entry of 'suppress'");
      continue;
    }
    read_file(ctx, ctx.loc(item), beside(ctx.file, item.Scalar()), out);
  }
}

}  // namespace xs::mapping

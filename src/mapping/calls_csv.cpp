#include "mapping/calls_csv.h"

#include <map>

#include "mapping/csv.h"
#include "mapping/e164.h"
#include "mapping/message_template.h"
#include "mapping/phone_lib.h"
#include "mapping/side_files.h"
#include "mapping/text_check.h"
#include "mapping/window_read.h"

namespace xs::mapping {
namespace {

// The columns of the header row by column_key; a repeated name is reported.
std::map<std::string, std::size_t> header_columns(Ctx& ctx, const std::string& file,
                                                  const CsvRow& header) {
  std::map<std::string, std::size_t> columns;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const CsvField& f = header.fields[i];
    if (!columns.emplace(column_key(f.text), i).second) {
      ctx.error(Location{file, f.line, f.col}, "duplicate column '" + excerpt(f.text) + "'");
    }
  }
  return columns;
}

// Sets `to` from a CSV value: E.164, or a national number when region is set; false when
// it is neither or libphonenumber calls it impossible (reported at `at`).
bool read_recipient(Ctx& ctx, const Location& at, const std::string& text,
                    const std::string& region, std::string& to) {
  to = text;
  if (!is_e164(text) && !region.empty()) {
    std::string why;
    auto e164 = to_e164(text, region, why);
    if (!e164) {
      ctx.error(at,
                "invalid phone number '" + excerpt(text) + "' for region " + region + ": " + why);
      return false;
    }
    to = *e164;
  }
  if (!is_e164(to)) {
    ctx.error(at, e164_error(text));
    return false;
  }
  return check_phone(ctx.diags, at, to);
}

// first_message for row, or nullopt when a value it uses is empty or unsafe (reported).
std::optional<std::string> render(Ctx& ctx, const std::string& file,
                                  const std::vector<TemplatePart>& parts,
                                  const std::map<std::string, std::size_t>& columns,
                                  const CsvRow& row) {
  std::string out;
  bool ok = true;
  for (const auto& part : parts) {
    if (part.column.empty()) {
      out += part.text;
      continue;
    }
    const CsvField& f = row.fields[columns.at(part.column)];
    const Location at{file, f.line, f.col};
    if (f.text.find_first_not_of(" \t") == std::string::npos) {
      ctx.error(
          at, "empty value in column '" + part.column + "' (first_message uses " + part.text + ")");
      ok = false;
    } else if (!check_text(ctx.diags, at, "column '" + part.column + "'", f.text)) {
      ok = false;
    }
    out += f.text;
  }
  return ok ? std::optional<std::string>(out) : std::nullopt;
}

}  // namespace

void read_calls_csv(Ctx& ctx, const Field& path, const std::optional<Field>& first_message,
                    ParsedBatch& batch) {
  const std::string file = beside(ctx.file, path.text);
  auto text = read_side_file(ctx, path.loc, "calls_csv", file);
  if (!text) return;
  strip_bom(*text);
  CsvResult csv = parse_csv(*text);
  if (!csv.error.empty()) {
    ctx.error(Location{file, csv.error_line, csv.error_col}, csv.error);
    return;
  }
  if (csv.rows.empty()) {
    ctx.error(Location{file, 1, 1}, "empty CSV: expected a header row with a 'to' column");
    return;
  }
  const CsvRow& header = csv.rows[0];
  const std::map<std::string, std::size_t> columns = header_columns(ctx, file, header);
  if (!columns.count("to")) {
    ctx.error(Location{file, header.line, 1}, "the header row has no 'to' column");
    return;
  }
  std::vector<TemplatePart> parts;
  if (first_message) parts = parse_template(first_message->text);
  bool template_ok = true;
  for (const auto& part : parts) {
    if (!part.column.empty() && !columns.count(part.column)) {
      ctx.error(first_message->loc, "first_message uses " + part.text + ", but " + file +
                                        " has no column '" + part.column + "'");
      template_ok = false;
    }
  }
  if (csv.rows.size() == 1) {
    ctx.error(Location{file, header.line, 1}, "no calls in " + file + " (only a header row)");
    return;
  }
  const std::size_t to = columns.at("to");
  const auto zone_column = columns.find("timezone");
  for (std::size_t r = 1; r < csv.rows.size(); ++r) {
    const CsvRow& row = csv.rows[r];
    if (row.fields.size() != header.fields.size()) {
      ctx.error(Location{file, row.line, 1},
                "expected " + std::to_string(header.fields.size()) + " fields, found " +
                    std::to_string(row.fields.size()));
      continue;
    }
    ParsedCall c;
    const CsvField& f = row.fields[to];
    c.target.loc = Location{file, row.line, 1};
    c.to_loc = Location{file, f.line, f.col};
    c.valid_to = read_recipient(ctx, c.to_loc, f.text, batch.default_region, c.target.to);
    if (zone_column != columns.end()) {
      const CsvField& z = row.fields[zone_column->second];
      if (z.text.find_first_not_of(" \t") != std::string::npos &&
          check_time_zone(ctx.diags, Location{file, z.line, z.col}, z.text)) {
        c.target.timezone = z.text;
      }
    }
    std::optional<std::string> message;
    if (first_message && template_ok) message = render(ctx, file, parts, columns, row);
    if (message) {
      Value agent = Value::object();
      agent.set("first_message", Value::string(*message));
      Value override = Value::object();
      override.set("agent", std::move(agent));
      c.target.override = std::move(override);
    }
    batch.calls.push_back(std::move(c));
  }
}

}  // namespace xs::mapping

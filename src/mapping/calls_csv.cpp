#include "mapping/calls_csv.h"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>

#include "mapping/csv.h"
#include "mapping/e164.h"

namespace xs::mapping {
namespace {

constexpr long long kMaxCsvBytes = 64ll << 20;

// The CSV path as the user would open it: relative to the mapping file's folder.
std::string resolve(const std::string& mapping_file, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  const auto slash = mapping_file.find_last_of('/');
  return slash == std::string::npos ? path : mapping_file.substr(0, slash + 1) + path;
}

// The file's text, or nullopt with a diagnostic at the calls_csv value.
std::optional<std::string> read_file(Ctx& ctx, const Field& at, const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    ctx.error(at.loc, "cannot read calls_csv '" + file + "': no such file");
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode) || st.st_size > kMaxCsvBytes) {
    ctx.error(at.loc, "calls_csv '" + file + "' is not a regular file of at most 64 MiB");
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    ctx.error(at.loc, "cannot read calls_csv '" + file + "'");
    return std::nullopt;
  }
  return text.str();
}

// The {column} names a template uses, in order.
std::vector<std::string> placeholders(const std::string& t) {
  std::vector<std::string> out;
  for (std::size_t open = t.find('{'); open != std::string::npos; open = t.find('{', open + 1)) {
    const auto close = t.find('}', open);
    if (close == std::string::npos) break;
    out.push_back(t.substr(open + 1, close - open - 1));
  }
  return out;
}

std::string render(const std::string& t, const std::map<std::string, std::size_t>& columns,
                   const CsvRow& row) {
  std::string out;
  std::size_t i = 0;
  while (i < t.size()) {
    const auto open = t.find('{', i);
    const auto close = open == std::string::npos ? open : t.find('}', open);
    if (close == std::string::npos) {
      out += t.substr(i);
      break;
    }
    out += t.substr(i, open - i);
    auto col = columns.find(t.substr(open + 1, close - open - 1));
    if (col != columns.end() && col->second < row.fields.size()) out += row.fields[col->second].text;
    i = close + 1;
  }
  return out;
}

}  // namespace

void read_calls_csv(Ctx& ctx, const Field& path, const std::optional<Field>& first_message,
                    ParsedBatch& batch) {
  const std::string file = resolve(ctx.file, path.text);
  auto text = read_file(ctx, path, file);
  if (!text) return;
  CsvResult csv = parse_csv(*text);
  if (!csv.error.empty()) {
    ctx.error(Location{file, csv.error_line, csv.error_col}, csv.error);
    return;
  }
  if (csv.rows.empty()) {
    ctx.error(Location{file, 1, 1}, "empty CSV: expected a header row with a 'to' column");
    return;
  }
  std::map<std::string, std::size_t> columns;
  const CsvRow& header = csv.rows[0];
  for (std::size_t i = 0; i < header.fields.size(); ++i) columns.emplace(header.fields[i].text, i);
  if (!columns.count("to")) {
    ctx.error(Location{file, header.line, 1}, "the header row has no 'to' column");
    return;
  }
  bool template_ok = true;
  if (first_message) {
    for (const auto& name : placeholders(first_message->text)) {
      if (!columns.count(name)) {
        ctx.error(first_message->loc, "first_message uses {" + name + "}, but " + file +
                                          " has no column '" + name + "'");
        template_ok = false;
      }
    }
  }
  if (csv.rows.size() == 1) {
    ctx.error(Location{file, header.line, 1}, "no calls in " + file + " (only a header row)");
    return;
  }
  const std::size_t to = columns["to"];
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
    c.target.to = f.text;
    c.target.loc = Location{file, row.line, 1};
    c.to_loc = Location{file, f.line, f.col};
    c.valid_to = is_e164(f.text);
    if (!c.valid_to) ctx.error(c.to_loc, e164_error(f.text));
    if (first_message && template_ok) {
      Value agent = Value::object();
      agent.set("first_message", Value::string(render(first_message->text, columns, row)));
      Value override = Value::object();
      override.set("agent", std::move(agent));
      c.target.override = std::move(override);
    }
    batch.calls.push_back(std::move(c));
  }
}

}  // namespace xs::mapping

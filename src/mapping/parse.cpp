#include "mapping/parse.h"

#include "mapping/read_values.h"
#include "mapping/sections.h"
#include "mapping/suppress.h"
#include "mapping/syntax_hint.h"

namespace xs::mapping {
namespace {

const std::vector<std::string> kTopKeys = {"version",        "twilio_accounts", "agents",
                                           "defaults",       "numbers",         "batch_calls",
                                           "default_region", "suppress",      "cutover"};

void read_version(Ctx& ctx, const MapReader& top, const yaml::Node& root) {
  const Entry* e = top.find("version");
  if (!e) {
    ctx.error(ctx.loc(root), "missing required key 'version' (expected 'version: 1')");
  } else if (!e->value.IsScalar()) {
    ctx.error(e->value_loc, "expected 'version: 1'");
  } else if (e->value.Scalar() != "1") {
    ctx.error(e->value_loc, "unsupported version " + e->value.Scalar() + " (expected 1)");
  }
}

void read_root(Ctx& ctx, const yaml::Node& root, ParsedFile& out) {
  if (!root.IsMap()) {
    ctx.error(ctx.loc(root), "expected a map at the top level (starting with 'version: 1')");
    return;
  }
  if (!scan_tree(ctx, root)) return;
  MapReader top(ctx, root, kTopKeys);
  read_version(ctx, top, root);
  if (auto region = read_region(ctx, top, "default_region")) out.default_region = *region;
  if (const Entry* e = top.find("twilio_accounts")) read_accounts(ctx, *e, out);
  if (const Entry* e = top.find("agents")) read_agents(ctx, *e, out);
  if (const Entry* e = top.find("defaults")) read_defaults(ctx, *e, out);
  if (const Entry* e = top.find("cutover")) out.cutover = read_cutover(ctx, *e);
  if (const Entry* e = top.find("numbers")) read_numbers(ctx, *e, out);
  if (const Entry* e = top.find("batch_calls")) read_batches(ctx, *e, out);
  if (const Entry* e = top.find("suppress")) read_suppress(ctx, *e, out);
}

}  // namespace

bool section_is(Ctx& ctx, const Entry& section, yaml::NodeType::value type, const char* what) {
  if (section.value.IsNull()) return false;
  if (section.value.Type() == type) return true;
  ctx.error(section.value_loc, std::string("expected a ") + what + " for '" + section.key + "'");
  return false;
}

ParsedFile parse_source(const MappingSource& source, Diags& diags, PhoneChecks& phones,
                        const std::string& root, bool allow_outside_files) {
  ParsedFile out;
  out.name = source.name;
  Ctx ctx{source.name, diags, phones, {}, root, allow_outside_files};
  try {
    const yaml::Documents docs = yaml::parse_documents(source.text);
    if (docs.error) report_syntax_error(diags, source.text, ctx.loc(docs.error->mark), docs.error->message);
    if (docs.second) {
      ctx.error(ctx.loc(*docs.second),
                "more than one YAML document in a file (split them into files)");
    }
    if (docs.root.IsNull()) {
      if (!docs.error && !docs.second) {
        ctx.error({source.name, 0, 0},
                  "empty file (expected a mapping starting with 'version: 1')");
      }
      return out;
    }
    read_root(ctx, docs.root, out);
  } catch (const std::exception& e) {  // out of memory
    ctx.error({source.name, 0, 0}, std::string("cannot read: ") + e.what());
  }
  return out;
}

}  // namespace xs::mapping

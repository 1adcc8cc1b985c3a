#pragma once
// Readers for the top-level sections of a mapping file (private to src/mapping).
#include "mapping/parsed.h"
#include "mapping/yaml_read.h"

namespace xs::mapping {

// Each reads the section held by entry into out, reporting what is wrong with it.
void read_accounts(Ctx& ctx, const Entry& section, ParsedFile& out);
void read_agents(Ctx& ctx, const Entry& section, ParsedFile& out);
void read_defaults(Ctx& ctx, const Entry& section, ParsedFile& out);
void read_numbers(Ctx& ctx, const Entry& section, ParsedFile& out);
void read_batches(Ctx& ctx, const Entry& section, ParsedFile& out);
// A 'cutover:' map, top level or under a number: fallback (previous | none | keep) and
// probation (a whole number and s, m, h or d: 30s, 10m, 48h, 14d); nullopt when not a map.
std::optional<ParsedCutover> read_cutover(Ctx& ctx, const Entry& section);

// True when section holds a value of the wanted kind; reports "expected a WHAT for 'KEY'"
// when it holds another kind. An empty section is false without a report.
bool section_is(Ctx& ctx, const Entry& section, yaml::NodeType::value type, const char* what);

}  // namespace xs::mapping

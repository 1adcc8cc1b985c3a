#pragma once
// batch_calls[].calls_csv: calls read from a CSV file beside the mapping (private to src/mapping).
#include <optional>

#include "mapping/parsed.h"
#include "mapping/yaml_read.h"

namespace xs::mapping {

// Appends a call per CSV row to batch: the `to` column, and first_message rendered from
// the template's {column} placeholders. Problems are reported at CSV FILE:LINE:COL (or at the
// template's place for a column the file lacks). path is relative to the mapping file.
void read_calls_csv(Ctx& ctx, const Field& path, const std::optional<Field>& first_message,
                    ParsedBatch& batch);

}  // namespace xs::mapping

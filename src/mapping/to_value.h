#pragma once
// YAML nodes -> xs::Value, JSON-ready (private to src/mapping).
#include <optional>
#include <string>

#include "mapping/yaml_read.h"
#include "model/value.h"

namespace xs::mapping {

enum class NumberForm { NotANumber, Json, NoJsonForm };

// Classifies a plain scalar by the YAML 1.2 core schema's number rules; for a number with a
// JSON form, json receives it (the text itself when it already is JSON, else e.g. 0x1F -> 31).
NumberForm yaml_number(const std::string& text, std::string& json);

// Converts a tree: maps -> Object (source order), sequences -> Array, plain scalars by the core
// schema (null, bool, number as written), everything else -> String. Problems are reported.
std::optional<Value> to_value(Ctx& ctx, const yaml::Node& node);

}  // namespace xs::mapping

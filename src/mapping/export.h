#pragma once
// The live XUNA numbers as a mapping file, to adopt what exists (`xuna-sync export`).
#include <string>

#include "model/live.h"

namespace xs {

// YAML that `validate` accepts once the placeholder Twilio account SID is filled in.
std::string export_mapping(const LiveList& live, const std::string& api_url,
                           const std::string& when);

}  // namespace xs

#pragma once
// GET /v1/convai/phone-numbers' answer read as it is parsed (private to src/xuna): the numbers
// go straight into the list, no JSON tree is built. At 100k numbers the tree cost a quarter of
// a plan's time and 130 MiB; this reads the same answer in a third of the time.
#include <string>

#include "model/live.h"

namespace xs {

// Fills out from body: a JSON array of numbers, or an object holding one as "phone_numbers".
// Each item is an object with phone_number_id and phone_number (strings, or numbers read as
// their text), a label, and the agent as agent_id or assigned_agent.agent_id; other fields are
// ignored, and for a key given twice the last value counts. Returns "" or why body is not such
// a list ("item 3 is not an object", "expected a JSON array", the JSON syntax error).
std::string read_number_list(const std::string& body, LiveList& out);

}  // namespace xs

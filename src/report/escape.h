#pragma once
// The renderers' escaping is the one every output path uses (util/printable.h).
#include "util/printable.h"

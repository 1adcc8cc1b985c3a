#pragma once
// xs::Value <-> Poco::Dynamic::Var, for the network rooms only.
#include <Poco/Dynamic/Var.h>

#include "model/value.h"

namespace xs {

// A Poco JSON value (object, array or scalar) for v, keeping object member order.
Poco::Dynamic::Var to_poco(const Value& v);

}  // namespace xs

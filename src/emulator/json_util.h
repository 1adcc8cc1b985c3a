// Small helpers over Poco::JSON: ordered objects, safe parsing, stringifying, type checks.
#pragma once

#include "emulator/exchange.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace xs::emu {

// A new JSON object that keeps keys in insertion order.
Poco::JSON::Object::Ptr newObject();

// A new JSON array.
Poco::JSON::Array::Ptr newArray();

// Parses text as JSON (key order kept, depth capped); nullopt when malformed or empty.
std::optional<Poco::Dynamic::Var> parseJson(const std::string& text);

// Compact JSON text of a value (objects, arrays, scalars; empty Var is null).
std::string toJson(const Poco::Dynamic::Var& value);

// The object inside v, or null when v is not a JSON object.
Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& v);

// The array inside v, or null when v is not a JSON array.
Poco::JSON::Array::Ptr asArray(const Poco::Dynamic::Var& v);

// True when v holds a JSON string.
bool isString(const Poco::Dynamic::Var& v);

// True when v holds a JSON number (integer or float, not a boolean).
bool isNumber(const Poco::Dynamic::Var& v);

// A deep copy of v in which every "twilio_auth_token" value is replaced by "***".
Poco::Dynamic::Var redactSecrets(const Poco::Dynamic::Var& v);

// A response with the given status whose body is value as JSON.
Response jsonResponse(int status, const Poco::Dynamic::Var& value);

// A XUNA-style error: {"detail":{"status":code,"message":message}}.
Response xunaError(int status, const std::string& code, const std::string& message);

// A XUNA-style error with a plain string detail: {"detail":message}.
Response xunaDetail(int status, const std::string& message);

// A Twilio-style error: {"code","message","more_info","status"}.
Response twilioError(int status, int code, const std::string& message);

}  // namespace xs::emu

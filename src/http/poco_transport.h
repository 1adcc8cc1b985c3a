#pragma once
// The real transport: Poco HTTP(S) with strict TLS, timeouts and a keep-alive session pool.
#include <memory>

#include "http/transport.h"

namespace xs {

// Builds a transport for options.base_url, behind a RedactingTransport; an ApiError (kind
// Config) for a bad URL or CA file.
Result<std::shared_ptr<Transport>> make_http_transport(const TransportOptions& options);

}  // namespace xs

#pragma once
// XunaApi over a Transport: JSON in and out (Poco::JSON inside the .cpp only).
#include <memory>

#include "http/transport.h"
#include "xuna/api.h"

namespace xs {

// The API client; the key goes only into the xi-api-key header.
std::unique_ptr<XunaApi> make_xuna_client(std::shared_ptr<Transport> transport, Secret api_key);

// Turns a non-2xx answer into an ApiError: "METHOD PATH: STATUS REASON: server message".
ApiError error_from_response(const std::string& method, const std::string& path,
                             const HttpResponse& response);

}  // namespace xs

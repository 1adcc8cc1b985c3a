#pragma once
// Secrets redacted where they are born: the transport knows every secret it sends, so it
// masks every form of them in whatever comes back, before any client builds a message from it.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/transport.h"
#include "util/secret.h"

namespace xs {

// The secrets a request carries: the values of its credential headers (Authorization:
// Basic's "user:secret", the decoded secret and the header value itself; a Bearer token;
// xi-api-key and other *-key, *-token, *-secret headers) and request.secrets.
std::vector<Secret> sent_secrets(const HttpRequest& request);

// Sends through the inner transport, registers the request's sent_secrets with the log's
// redaction hook, and masks every form of them (secret_forms) in the answer's reason,
// headers and body and in an error's message. The mask of a set of secrets is made once and
// kept for the requests that send the same ones (a run sends a handful of secrets, each
// thousands of times).
class RedactingTransport final : public Transport {
 public:
  explicit RedactingTransport(std::shared_ptr<Transport> inner) : inner_(std::move(inner)) {}
  Result<HttpResponse> send(const HttpRequest& request) override;
  std::string base_url() const override { return inner_->base_url(); }

 private:
  std::shared_ptr<const SecretMask> mask_for(const HttpRequest& request);

  std::shared_ptr<Transport> inner_;
  std::mutex masks_mutex_;
  std::map<std::string, std::shared_ptr<const SecretMask>> masks_;  // by the secrets sent
};

}  // namespace xs

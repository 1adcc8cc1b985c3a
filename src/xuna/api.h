#pragma once
// The XUNA API as the tool uses it (docs/DESIGN.md §1), behind an interface: apply runs against this,
// tests against a fake. No Poco type appears here.
#include <optional>
#include <string>
#include <vector>

#include "http/errors.h"
#include "model/live.h"
#include "model/value.h"
#include "util/secret.h"

namespace xs {

struct ImportRequest {
  std::string label;
  std::string phone_number;
  std::string twilio_account_sid;
  Secret twilio_auth_token;
};

struct BatchCall {
  std::string to_phone_number;
  std::optional<Value> conversation_config_override;
};

struct BatchRequest {
  std::string agent_id;
  std::string from_phone_number_id;
  std::vector<BatchCall> calls;
};

struct BatchResult {
  std::string batch_id;
  long long calls_initiated = -1;  // -1: the answer did not say (or not as a whole number)
};

class XunaApi {
 public:
  virtual ~XunaApi() = default;
  // GET /v1/convai/phone-numbers: every imported number.
  virtual Result<LiveList> list_numbers() = 0;
  // POST /v1/convai/phone-numbers: the new phone_number_id.
  virtual Result<std::string> import_number(const ImportRequest& request,
                                            const std::string& idempotency_key) = 0;
  // PATCH /v1/convai/phone-numbers/{id} with {agent_id}.
  virtual Result<Unit> assign_agent(const std::string& phone_number_id, const std::string& agent_id,
                                    const std::string& idempotency_key) = 0;
  // POST /v1/convai/phone-numbers/batch-calls. A 2xx without a readable batch_id is an error
  // marked maybe_committed: the calls may be under way.
  virtual Result<BatchResult> submit_batch(const BatchRequest& request,
                                           const std::string& idempotency_key) = 0;
};

}  // namespace xs

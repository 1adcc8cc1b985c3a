#include "model/digest_of.h"

#include <algorithm>
#include <vector>

#include "util/digest.h"

namespace xs {
namespace {

// Fields joined by a separator that cannot occur in them unescaped.
void field(std::string& out, const std::string& s) {
  std::size_t from = 0;
  for (std::size_t at; (at = s.find_first_of("\\\x1f\n", from)) != std::string::npos; from = at + 1) {
    out.append(s, from, at - from);
    out += '\\';
    out += s[at];
  }
  out.append(s, from, std::string::npos);
  out += '\x1f';
}

void value(std::string& out, const Value& v) {
  out += static_cast<char>('0' + static_cast<int>(v.type));
  field(out, v.boolean ? "t" : "f");
  field(out, v.text);
  for (const auto& item : v.items) value(out, item);
  out += ']';
  for (const auto& [k, m] : v.members) {
    field(out, k);
    value(out, m);
  }
  out += '}';
}

// When a campaign may be sent, as text (scheduling, not content: not in batch_digest).
std::string window_text(const CampaignWindow& w) {
  std::string out;
  auto seconds = [](const std::chrono::system_clock::time_point& t) {
    return std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
  };
  if (w.not_before) out += "nb=" + seconds(*w.not_before) + ";";
  if (w.not_after) out += "na=" + seconds(*w.not_after) + ";";
  if (w.hours)
    out += "h=" + std::to_string(w.hours->from_minute) + "-" + std::to_string(w.hours->to_minute) +
           "@" + w.hours->timezone + "/" + std::to_string(w.hours->days) + ";";
  return out;
}

}  // namespace

std::string mapping_digest(const Desired& desired) {
  std::string out = "mapping v1\n";
  for (const auto& [name, a] : desired.twilio_accounts) {
    field(out, "account");
    field(out, name);
    field(out, a.account_sid);
    field(out, a.account_sid_env);
    field(out, a.auth_token_env);
    field(out, a.api_key_sid);
    out += '\n';
  }
  for (const auto& n : desired.numbers) {
    field(out, "number");
    field(out, n.phone_number);
    field(out, n.label);
    field(out, n.agent_id);
    field(out, n.twilio_account);
    if (n.routing_takeover) field(out, "takeover");
    if (n.cutover.fallback != CutoverPolicy{}.fallback ||
        n.cutover.probation != CutoverPolicy{}.probation) {  // the default leaves digests as were
      field(out, "cutover");
      field(out, std::to_string(static_cast<int>(n.cutover.fallback)));
      field(out, std::to_string(n.cutover.probation.count()));
    }
    out += '\n';
  }
  for (const auto& b : desired.batches) {
    field(out, "batch");
    field(out, b.name);
    field(out, batch_digest(b));
    field(out, window_text(b.window));
    if (b.dial_rate > 0) field(out, "dial_rate=" + std::to_string(b.dial_rate));
    if (b.max_calls_per_run > 0) field(out, "max_calls_per_run=" + std::to_string(b.max_calls_per_run));
    out += '\n';
  }
  if (!desired.suppressed_digest.empty()) {
    field(out, "suppress");
    field(out, desired.suppressed_digest);
  }
  return sha256_hex(out);
}

std::string batch_digest(const BatchCampaign& b) {
  std::string out = "batch v1\n";
  field(out, b.agent_id);
  field(out, b.from);
  for (const auto& c : b.calls) {
    field(out, c.to);
    if (c.override) value(out, *c.override);
    // A call's own time zone decides which chunk it goes in: part of the content. (Absent
    // for campaigns without one, so their digests stay as states recorded them.)
    if (!c.timezone.empty()) field(out, "tz=" + c.timezone);
    out += ';';
  }
  return sha256_hex(out);
}

std::string call_digest(const BatchCampaign& b, const BatchCallTarget& c) {
  std::string out = "call v1\n";
  field(out, b.agent_id);
  field(out, b.from);
  field(out, c.to);
  if (c.override) value(out, *c.override);
  return sha256_hex(out);
}

std::string live_digest(const LiveList& live) {
  std::vector<std::string> lines;
  lines.reserve(live.size());
  for (const auto& n : live) {
    std::string line;
    field(line, n.phone_number_id);
    field(line, n.phone_number);
    field(line, n.label);
    field(line, n.agent_id.value_or(""));
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  std::string out = "live v1\n";
  std::size_t size = out.size();
  for (const auto& l : lines) size += l.size() + 1;
  out.reserve(size);
  for (const auto& l : lines) {
    out += l;
    out += '\n';
  }
  return sha256_hex(out);
}

}  // namespace xs

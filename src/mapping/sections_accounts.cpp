// twilio_accounts, agents and defaults.
#include "mapping/secrets.h"
#include "mapping/sections.h"
#include "mapping/text_check.h"

namespace xs::mapping {
namespace {

const std::vector<std::string> kAccountKeys = {"account_sid", "account_sid_env", "auth_token_env",
                                               "api_key_sid"};
const std::vector<std::string> kDefaultsKeys = {"twilio_account"};

// An env var name under key ("" when missing or invalid, both reported). Never echoes the value.
std::string read_env_name(Ctx& ctx, MapReader& r, const std::string& key) {
  auto f = r.text(key);
  if (!f) return "";
  if (!is_env_name(f->text)) {
    ctx.error(f->loc, "'" + key +
                          "' must name an environment variable (letters, digits and '_', not "
                          "starting with a digit); the value is not shown in case it is a secret");
    return "";
  }
  return f->text;
}

// A "PREFIX + 32 hex" SID under key ("" when missing or invalid, both reported).
std::string read_sid(Ctx& ctx, MapReader& r, const std::string& key, const std::string& prefix,
                     const std::string& what) {
  auto f = r.text(key);
  if (!f) return "";
  if (!is_prefixed_hex32(f->text, prefix)) {
    ctx.error(f->loc, "invalid " + what + ": expected '" + prefix + "' followed by 32 hex digits");
    return "";
  }
  return f->text;
}

void read_account(Ctx& ctx, const Entry& e, ParsedFile& out) {
  if (!e.value.IsMap()) {
    ctx.error(e.value_loc, "expected a map for twilio account '" + e.key + "'");
    return;
  }
  MapReader r(ctx, e.value, kAccountKeys);
  TwilioAccount a;
  a.name = e.key;
  a.loc = e.key_loc;
  const Entry* sid_env = r.find("account_sid_env");
  if (r.find("account_sid") && sid_env) {
    ctx.error(sid_env->key_loc, "'account_sid' and 'account_sid_env' are mutually exclusive");
  } else if (!r.find("account_sid") && !sid_env) {
    ctx.error(e.key_loc, "missing required key 'account_sid' (or 'account_sid_env')");
  }
  a.account_sid = read_sid(ctx, r, "account_sid", "AC", "account SID");
  if (sid_env) a.account_sid_env = read_env_name(ctx, r, "account_sid_env");
  r.require("auth_token_env", e.key_loc);
  a.auth_token_env = read_env_name(ctx, r, "auth_token_env");
  a.api_key_sid = read_sid(ctx, r, "api_key_sid", "SK", "API key SID");
  out.accounts.push_back(std::move(a));
}

}  // namespace

void read_accounts(Ctx& ctx, const Entry& section, ParsedFile& out) {
  if (!section_is(ctx, section, yaml::NodeType::Map, "map")) return;
  MapReader accounts(ctx, section.value);
  for (const auto& e : accounts.entries()) {
    if (check_text(ctx.diags, e.key_loc, "twilio account name", e.key)) read_account(ctx, e, out);
  }
}

void read_agents(Ctx& ctx, const Entry& section, ParsedFile& out) {
  if (!section_is(ctx, section, yaml::NodeType::Map, "map")) return;
  MapReader agents(ctx, section.value);
  for (const auto& e : agents.entries()) {
    if (!check_text(ctx.diags, e.key_loc, "agent alias", e.key)) continue;
    if (e.key.compare(0, 6, "agent_") == 0) {
      ctx.error(e.key_loc, "agent alias '" + e.key +
                               "' must not start with 'agent_' (that prefix marks an agent id)");
      continue;
    }
    if (e.value.IsNull()) {
      ctx.error(e.value_loc, "missing agent id for alias '" + e.key + "'");
      continue;
    }
    if (!e.value.IsScalar()) {
      ctx.error(e.value_loc, "expected a string for agent alias '" + e.key + "'");
      continue;
    }
    if (ctx.is_secret(e.value)) continue;
    const std::string& id = e.value.Scalar();
    if (id.size() <= 6 || id.compare(0, 6, "agent_") != 0) {
      ctx.error(e.value_loc, "invalid agent id '" + id + "' for alias '" + e.key +
                                 "': agent ids start with 'agent_'");
      out.agents.push_back({e.key, "", e.key_loc});  // known alias, so no "unknown alias" later
      continue;
    }
    out.agents.push_back({e.key, id, e.key_loc});
  }
}

void read_defaults(Ctx& ctx, const Entry& section, ParsedFile& out) {
  if (!section_is(ctx, section, yaml::NodeType::Map, "map")) return;
  MapReader r(ctx, section.value, kDefaultsKeys);
  if (auto f = r.optional_text("twilio_account")) {
    out.defaults = section.key_loc;  // an empty 'defaults:' sets nothing, so conflicts with nothing
    out.default_account = Ref{f->text, f->loc};
  }
}

}  // namespace xs::mapping

// batch_calls: outbound campaigns, each dialled once.
#include "mapping/calls_csv.h"
#include "mapping/e164.h"
#include "mapping/phone_lib.h"
#include "mapping/read_values.h"
#include "mapping/sections.h"
#include "mapping/text_check.h"
#include "mapping/to_value.h"
#include "mapping/window_read.h"

namespace xs::mapping {
namespace {

const std::vector<std::string> kBatchKeys = {"name",
                                             "agent",
                                             "from",
                                             "calls",
                                             "calls_csv",
                                             "first_message",
                                             "allow_duplicates",
                                             "default_region",
                                             "not_before",
                                             "not_after",
                                             "calling_hours",
                                             "dial_rate",
                                             "max_calls_per_run"};
const std::vector<std::string> kCallKeys = {"to", "first_message", "conversation_config_override",
                                            "timezone"};

// first_message is shorthand for conversation_config_override.agent.first_message.
void fold_first_message(Ctx& ctx, std::optional<Value>& override, const Field& f) {
  if (!override) override = Value::object();
  Value* agent = override->find("agent");
  if (!agent) {
    override->set("agent", Value::object());
    agent = override->find("agent");
  }
  if (agent->type != Value::Type::Object) {
    ctx.error(f.loc, "cannot add 'first_message': conversation_config_override.agent is not a map");
    return;
  }
  if (const Value* existing = agent->find("first_message")) {
    if (*existing != Value::string(f.text)) {
      ctx.error(f.loc,
                "'first_message' conflicts with conversation_config_override.agent."
                "first_message");
    }
    return;
  }
  agent->set("first_message", Value::string(f.text));
}

void read_call(Ctx& ctx, const yaml::Node& item, ParsedBatch& batch) {
  if (!item.IsMap()) {
    ctx.error(ctx.loc(item), "expected a map for each entry of 'calls'");
    return;
  }
  MapReader r(ctx, item, kCallKeys);
  ParsedCall c;
  c.target.loc = ctx.loc(item);
  r.require("to", c.target.loc);
  if (auto f = r.text("to")) {
    c.target.to = f->text;
    c.to_loc = f->loc;
    c.valid_to = is_e164(f->text);
    if (!c.valid_to) {
      ctx.error(f->loc, e164_error(f->text));
    } else {
      ctx.phones.add(f->loc, f->text);
    }
  }
  std::optional<Value> override;
  if (const Entry* o = r.find("conversation_config_override")) {
    if (section_is(ctx, *o, yaml::NodeType::Map, "map")) override = to_value(ctx, o->value);
  }
  if (auto f = r.scalar("first_message")) {
    if (f->null) {
      ctx.error(f->loc, "missing value for 'first_message'");
    } else if (check_text(ctx.diags, f->loc, "first_message", f->text)) {
      fold_first_message(ctx, override, *f);
    }
  }
  c.target.override = std::move(override);
  if (auto f = r.text("timezone"); f && check_time_zone(ctx.diags, f->loc, f->text)) {
    c.target.timezone = f->text;
  }
  batch.calls.push_back(std::move(c));
}

void read_batch(Ctx& ctx, const yaml::Node& item, ParsedFile& out) {
  if (!item.IsMap()) {
    ctx.error(ctx.loc(item), "expected a map for each entry of 'batch_calls'");
    return;
  }
  MapReader r(ctx, item, kBatchKeys);
  ParsedBatch b;
  b.batch.loc = ctx.loc(item);
  for (const char* key : {"name", "agent", "from"}) r.require(key, b.batch.loc);
  if (!r.find("calls") && !r.find("calls_csv"))
    ctx.error(b.batch.loc, "missing required key 'calls' (or 'calls_csv')");
  if (auto f = r.text("name"); f && check_text(ctx.diags, f->loc, "batch name", f->text)) {
    b.batch.name = f->text;
    b.name_loc = f->loc;
  }
  if (auto f = r.text("agent")) {
    b.agent = Ref{f->text, f->loc};
    b.batch.agent_ref = f->text;
  }
  if (auto f = r.text("from")) {
    b.from = Ref{f->text, f->loc};
    b.batch.from = f->text;
    b.valid_from = is_e164(f->text);
    if (!b.valid_from) ctx.error(f->loc, e164_error(f->text));
  }
  if (auto v = read_bool(ctx, r, "allow_duplicates")) b.batch.allow_duplicates = *v;
  b.default_region = out.default_region;
  if (auto region = read_region(ctx, r, "default_region")) b.default_region = *region;
  read_window(ctx, r, b.batch.window);
  if (auto v = read_positive(ctx, r, "dial_rate", 100000, false)) b.batch.dial_rate = *v;
  if (auto v = read_positive(ctx, r, "max_calls_per_run", 10000000, true))
    b.batch.max_calls_per_run = static_cast<long long>(*v);
  if (const Entry* calls = r.find("calls")) {
    if (calls->value.IsNull() || (calls->value.IsSequence() && calls->value.size() == 0)) {
      ctx.error(calls->value_loc, "empty 'calls': a batch needs at least one call");
    } else if (section_is(ctx, *calls, yaml::NodeType::Sequence, "list")) {
      for (const auto& call : calls->value) read_call(ctx, call, b);
    }
  }
  std::optional<Field> first_message = r.text("first_message");
  if (first_message &&
      !check_text(ctx.diags, first_message->loc, "first_message", first_message->text)) {
    first_message.reset();
  }
  if (auto csv = r.text("calls_csv")) {
    read_calls_csv(ctx, *csv, first_message, b);
  } else if (first_message) {
    ctx.error(first_message->loc,
              "a batch-level 'first_message' is a template for the rows of "
              "'calls_csv'; put it on each call instead");
  }
  out.batches.push_back(std::move(b));
}

}  // namespace

void read_batches(Ctx& ctx, const Entry& section, ParsedFile& out) {
  if (!section_is(ctx, section, yaml::NodeType::Sequence, "list")) return;
  for (const auto& item : section.value) read_batch(ctx, item, out);
}

}  // namespace xs::mapping

// numbers: the phone numbers XUNA should have.
#include "mapping/e164.h"
#include "mapping/phone_lib.h"
#include "mapping/read_values.h"
#include "mapping/sections.h"
#include "mapping/text_check.h"

namespace xs::mapping {
namespace {

const std::vector<std::string> kNumberKeys = {"phone_number", "label", "agent", "twilio_account",
                                              "routing_takeover", "cutover"};

bool is_blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

void read_number(Ctx& ctx, const yaml::Node& item, ParsedFile& out) {
  if (!item.IsMap()) {
    ctx.error(ctx.loc(item), "expected a map for each entry of 'numbers'");
    return;
  }
  MapReader r(ctx, item, kNumberKeys);
  ParsedNumber p;
  p.number.loc = ctx.loc(item);
  r.require("phone_number", p.number.loc);
  r.require("label", p.number.loc);
  if (auto f = r.text("phone_number")) {
    p.number.phone_number = f->text;
    p.phone_loc = f->loc;
    p.valid_phone = is_e164(f->text);
    if (!p.valid_phone) {
      ctx.error(f->loc, e164_error(f->text));
    } else {
      ctx.phones.add(f->loc, f->text);
    }
  }
  if (auto f = r.scalar("label")) {
    if (is_blank(f->text)) {
      ctx.error(f->loc, "empty label");
    } else if (check_text(ctx.diags, f->loc, "label", f->text)) {
      p.number.label = f->text;
    }
  }
  if (auto f = r.optional_text("agent")) {
    p.agent = Ref{f->text, f->loc};
    p.number.agent_ref = f->text;
  }
  if (auto f = r.optional_text("twilio_account")) p.twilio_account = Ref{f->text, f->loc};
  if (auto v = read_bool(ctx, r, "routing_takeover")) p.number.routing_takeover = *v;
  if (const Entry* e = r.find("cutover")) p.cutover = read_cutover(ctx, *e);
  out.numbers.push_back(std::move(p));
}

}  // namespace

void read_numbers(Ctx& ctx, const Entry& section, ParsedFile& out) {
  if (!section_is(ctx, section, yaml::NodeType::Sequence, "list")) return;
  out.numbers.reserve(out.numbers.size() + section.value.size());
  for (const auto& item : section.value) read_number(ctx, item, out);
}

}  // namespace xs::mapping

#include "cli/planning.h"

#include <fstream>
#include <iostream>
#include <set>

#include "cli/exit_codes.h"
#include "cli/ownership.h"
#include "cli/render.h"
#include "model/digest_of.h"
#include "util/clock.h"
#include "util/log.h"

namespace xs::cli {

Planned make_planned(const Options& options,
                     const std::function<StateView(const Remote&)>& view_of) {
  Planned p;
  p.desired = load_desired(options);
  p.remote = connect_xuna(options);
  std::set<std::string> accounts;
  for (const auto& n : p.desired.numbers) accounts.insert(n.twilio_account);
  Result<LiveList> live = p.remote.api->list_numbers();
  if (!live.ok()) throw CommandError(kFailed, live.error().message);
  p.live = std::move(live.value());
  log_debug("listed " + std::to_string(p.live.size()) + " numbers from " + p.remote.url);
  PlanOptions plan_options;
  plan_options.batch_chunk = options.batch_chunk;
  if (!options.resubmit.empty()) {
    bool known = false;
    for (const auto& b : p.desired.batches) known = known || b.name == options.resubmit;
    if (!known)
      throw CommandError(kInvalid, "--resubmit " + options.resubmit +
                                       ": no batch campaign of that name in the mapping");
    plan_options.resubmit.insert(options.resubmit);
  }
  const StateView view = view_of(p.remote);
  p.plan = make_plan(p.desired, p.live, view, {}, plan_options);
  std::set<std::string> importing;
  for (const auto& a : p.plan.actions)
    if (a.kind == ActionKind::Import) importing.insert(a.twilio_account);
  p.credentials = twilio_credentials(p.desired, importing);
  if (!importing.empty()) {  // the ownership preflight: make_plan is pure, so plan again
    std::unique_ptr<TwilioApi> twilio = connect_twilio(options);
    p.plan = make_plan(p.desired, p.live, view,
                       check_ownership(*twilio, p.desired, p.credentials), plan_options);
  }
  p.header.api_url = p.remote.url;
  p.header.key_fingerprint = p.remote.key_fingerprint;
  p.header.created_at = system_clock().now_iso();
  p.header.mapping_digest = mapping_digest(p.desired);
  p.header.live_digest = live_digest(p.live);
  return p;
}

GuardOptions guard_options(const Options& options) {
  GuardOptions g;
  g.max_changes = options.max_changes;
  g.max_reassign_percent = options.max_reassign_percent;
  g.force = options.force;
  return g;
}

void print_plan(const Options& options, const Planned& planned) {
  if (!options.out.empty()) {
    const std::string tmp = options.out + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << plan_to_json(planned.plan, planned.header);
      if (!f) throw CommandError(kFailed, "cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), options.out.c_str()) != 0)
      throw CommandError(kFailed, "cannot write " + options.out);
  }
  if (options.format == "json") {
    std::cout << plan_to_json(planned.plan, planned.header);
  } else {
    std::cout << render_plan(planned.plan, style_for(1, options.no_color));
  }
  std::cout.flush();
}

}  // namespace xs::cli

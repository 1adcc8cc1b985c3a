#include "cli/planning.h"

#include <fstream>
#include <iostream>
#include <set>

#include "cli/exit_codes.h"
#include "cli/ownership.h"
#include "cli/prefetch.h"
#include "cli/render.h"
#include "model/digest_of.h"
#include "util/clock.h"
#include "util/log.h"

namespace xs::cli {

namespace {

PlanOptions plan_options_of(const Options& options, const Desired& desired) {
  PlanOptions plan_options;
  plan_options.batch_chunk = options.batch_chunk;
  if (!options.resubmit.empty()) {
    bool known = false;
    for (const auto& b : desired.batches) known = known || b.name == options.resubmit;
    if (!known)
      throw CommandError(kInvalid, "--resubmit " + options.resubmit +
                                       ": no batch campaign of that name in the mapping");
    plan_options.resubmit.insert(options.resubmit);
  }
  return plan_options;
}

}  // namespace

Planned make_planned(const Options& options,
                     const std::function<StateView(const Remote&)>& view_of) {
  Planned p;
  p.desired = load_desired(options);
  const PlanOptions plan_options = plan_options_of(options, p.desired);
  p.remote = connect_xuna(options);
  const StateView view = view_of(p.remote);
  OwnershipPrefetch prefetch(options, p.desired, view);
  Result<LiveList> live = p.remote.api->list_numbers();
  if (!live.ok()) throw CommandError(kFailed, live.error().message);
  p.live = std::move(live.value());
  log_debug("listed " + std::to_string(p.live.size()) + " numbers from " + p.remote.url);
  p.plan = make_plan(p.desired, p.live, view, {}, plan_options);
  std::set<std::string> importing;
  for (const auto& a : p.plan.actions)
    if (a.kind == ActionKind::Import) importing.insert(a.twilio_account);
  p.credentials = twilio_credentials(p.desired, importing);
  if (!importing.empty()) {  // the ownership preflight: make_plan is pure, so plan again
    OwnedLists lists = prefetch.take();
    std::map<std::string, TwilioCredentials> missing;
    for (const auto& [name, c] : p.credentials)
      if (!lists.count(name) && !signs_in_with_key(p.desired, name)) missing.emplace(name, c);
    if (!missing.empty()) lists.merge(list_owned(*connect_twilio(options), p.desired, missing));
    for (auto it = lists.begin(); it != lists.end();)  // prefetched, but nothing to import
      it = importing.count(it->first) ? std::next(it) : lists.erase(it);
    Ownership ownership = ownership_of(lists);
    for (const std::string& name : importing)
      if (signs_in_with_key(p.desired, name))
        ownership.failed[name] = key_cannot_import(p.desired, name);
    p.plan = make_plan(p.desired, p.live, view, ownership, plan_options);
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

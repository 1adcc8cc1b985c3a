#include "mapping/resolve.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "mapping/suggest.h"
#include "util/digest.h"

namespace xs::mapping {
namespace {

std::string first_at(const Location& loc) {
  return " (first declared at " + loc.str() + ")";
}

template <typename Map>
std::vector<std::string> names_of(const Map& m) {
  std::vector<std::string> names;
  for (const auto& kv : m) names.push_back(kv.first);
  return names;
}

bool same_account(const TwilioAccount& a, const TwilioAccount& b) {
  return a.account_sid == b.account_sid && a.account_sid_env == b.account_sid_env &&
         a.auth_token_env == b.auth_token_env && a.api_key_sid == b.api_key_sid;
}

class Resolver {
 public:
  explicit Resolver(Diags& d) : diags_(d) {}

  Desired run(std::vector<ParsedFile>& files) {
    for (const auto& f : files) merge_declarations(f);
    check_default_account();
    std::size_t count = 0;
    for (const auto& f : files) count += f.numbers.size();
    out_.numbers.reserve(count);
    numbers_.reserve(count);
    for (auto& f : files) {
      for (auto& n : f.numbers) add_number(n);
      f.numbers = {};  // moved from: freed as the numbers arrive
    }
    for (const auto& f : files) {
      for (const auto& b : f.batches) add_batch(b);
    }
    add_suppressed(files);
    std::sort(out_.numbers.begin(), out_.numbers.end(),
              [](const auto& a, const auto& b) { return a.phone_number < b.phone_number; });
    std::sort(out_.batches.begin(), out_.batches.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return std::move(out_);
  }

 private:
  void merge_declarations(const ParsedFile& f) {
    for (const auto& a : f.accounts) {
      auto [it, inserted] = out_.twilio_accounts.emplace(a.name, a);
      if (!inserted && !same_account(it->second, a)) {
        diags_.error(a.loc, "conflicting definition of twilio account '" + a.name + "'" +
                                first_at(it->second.loc));
      }
    }
    for (const auto& a : f.agents) {
      auto [it, inserted] = alias_locs_.emplace(a.alias, a.loc);
      if (inserted) {
        out_.agents[a.alias] = a.agent_id;
      } else if (out_.agents[a.alias] != a.agent_id) {
        diags_.error(a.loc, "conflicting definition of agent alias '" + a.alias + "'" +
                                first_at(it->second));
      }
    }
    merge_cutover(f);
    if (!f.defaults) return;
    if (!defaults_loc_) {
      defaults_loc_ = f.defaults;
      default_account_ = f.default_account;
      return;
    }
    const std::string mine = f.default_account ? f.default_account->text : "";
    const std::string first = default_account_ ? default_account_->text : "";
    if (mine != first) {
      diags_.error(*f.defaults, "conflicting 'defaults'" + first_at(*defaults_loc_) +
                                    ": set 'defaults' in one file only");
    }
  }

  // One top-level 'cutover:' for all the files: the first; another that differs is an error.
  void merge_cutover(const ParsedFile& f) {
    if (!f.cutover) return;
    if (!cutover_) {
      cutover_ = f.cutover;
      return;
    }
    if (f.cutover->fallback != cutover_->fallback || f.cutover->probation != cutover_->probation)
      diags_.error(f.cutover->loc, "conflicting 'cutover'" + first_at(cutover_->loc) +
                                       ": set the top-level 'cutover' in one file only");
  }

  // The mapping's cut-over policy for a number, its own keys over the top-level ones.
  CutoverPolicy cutover_of(const std::optional<ParsedCutover>& own) const {
    CutoverPolicy policy;
    for (const auto* c : {&cutover_, &own}) {
      if (!*c) continue;
      if ((*c)->fallback) policy.fallback = *(*c)->fallback;
      if ((*c)->probation) policy.probation = *(*c)->probation;
    }
    return policy;
  }

  bool known_account(const Ref& ref) {
    if (out_.twilio_accounts.count(ref.text)) return true;
    const std::string hint = did_you_mean(ref.text, names_of(out_.twilio_accounts));
    diags_.error(ref.loc, "unknown twilio account '" + ref.text + "'" +
                              (hint.empty() ? " (define it under 'twilio_accounts:')" : hint));
    return false;
  }

  void check_default_account() {
    if (default_account_) known_account(*default_account_);
  }

  // The agent id an `agent` value stands for ("" when it names no alias: reported).
  std::string resolve_agent(const Ref& ref) {
    if (ref.text.compare(0, 6, "agent_") == 0) {
      if (ref.text.size() > 6) return ref.text;
      diags_.error(ref.loc, "incomplete agent id 'agent_'");
      return "";
    }
    auto it = out_.agents.find(ref.text);
    if (it != out_.agents.end()) return it->second;
    const std::string hint = did_you_mean(ref.text, names_of(out_.agents));
    diags_.error(ref.loc, "unknown agent alias '" + ref.text + "'" +
                              (hint.empty() ? " (define it under 'agents:', or use an agent id "
                                              "starting with 'agent_')"
                                            : hint));
    return "";
  }

  void add_number(ParsedNumber& p) {
    DesiredNumber n = std::move(p.number);
    bool duplicate = false;
    if (p.valid_phone) {
      auto [it, inserted] = numbers_.emplace(n.phone_number, p.phone_loc);
      if (!inserted) {
        duplicate = true;
        diags_.error(p.phone_loc,
                     "duplicate phone number " + n.phone_number + first_at(it->second));
      }
    }
    if (p.agent) n.agent_id = resolve_agent(*p.agent);
    n.cutover = cutover_of(p.cutover);
    if (p.twilio_account) {
      if (known_account(*p.twilio_account)) n.twilio_account = p.twilio_account->text;
    } else if (default_account_) {
      n.twilio_account = default_account_->text;
    } else if (!n.phone_number.empty()) {  // without one, the entry is already reported
      diags_.error(n.loc, "no twilio account for " + n.phone_number +
                              ": set 'twilio_account' or 'defaults.twilio_account'");
    }
    if (!duplicate) out_.numbers.push_back(std::move(n));
  }

  void add_batch(const ParsedBatch& p) {
    BatchCampaign b = p.batch;
    bool duplicate = false;
    if (!b.name.empty()) {
      auto [it, inserted] = batches_.emplace(b.name, p.name_loc);
      if (!inserted) {
        duplicate = true;
        diags_.error(p.name_loc, "duplicate batch name '" + b.name + "'" + first_at(it->second));
      }
    }
    if (p.agent) b.agent_id = resolve_agent(*p.agent);
    if (p.from && p.valid_from && !numbers_.count(p.from->text)) {
      diags_.error(p.from->loc, "'from' number " + p.from->text +
                                    " is not a mapped number (add it under 'numbers')");
    }
    std::unordered_map<std::string, Location> seen;
    for (const auto& c : p.calls) {
      if (c.valid_to && !b.allow_duplicates) {
        auto [it, inserted] = seen.emplace(c.target.to, c.to_loc);
        if (!inserted) {
          diags_.error(c.to_loc, "duplicate call to " + c.target.to + " in batch '" + b.name + "'" +
                                     first_at(it->second) +
                                     "; set 'allow_duplicates: true' if intended");
        }
      }
      if (c.valid_to) {
        auto own = numbers_.find(c.target.to);
        if (own != numbers_.end()) {
          diags_.warning(c.to_loc, "batch '" + b.name + "' calls " + c.target.to +
                                       ", one of the mapping's own numbers (declared at " +
                                       own->second.str() + ")");
        }
      }
      b.calls.push_back(c.target);
    }
    if (!duplicate) out_.batches.push_back(std::move(b));
  }

  // The union of every file's suppression list, and its digest.
  void add_suppressed(const std::vector<ParsedFile>& files) {
    std::set<std::string> numbers;
    for (const auto& f : files) {
      numbers.insert(f.suppressed.begin(), f.suppressed.end());
      out_.suppress_files.insert(out_.suppress_files.end(), f.suppress_files.begin(),
                                 f.suppress_files.end());
    }
    out_.suppressed.assign(numbers.begin(), numbers.end());
    if (out_.suppress_files.empty()) return;
    std::string text;
    for (const auto& n : out_.suppressed) text += n + "\n";
    out_.suppressed_digest = sha256_hex(text);
  }

  Diags& diags_;
  Desired out_;
  std::unordered_map<std::string, Location> alias_locs_;
  std::optional<Location> defaults_loc_;
  std::optional<Ref> default_account_;
  std::optional<ParsedCutover> cutover_;
  std::unordered_map<std::string, Location> numbers_;  // phone -> first declaration
  std::unordered_map<std::string, Location> batches_;  // name -> first declaration
};

}  // namespace

Desired resolve(std::vector<ParsedFile> files, Diags& diags) {
  return Resolver(diags).run(files);
}

}  // namespace xs::mapping

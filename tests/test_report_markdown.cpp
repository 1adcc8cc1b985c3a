// The Markdown plan (report/markdown.h): counts and verdict first, details in <details>
// blocks, hostile text escaped so it opens no tag and closes no block, a size limit that
// says what it left out; and a saved plan that keeps --only and --exclude.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdio>
#include <regex>
#include <set>

#include "report/markdown.h"
#include "report/plan_json.h"

using namespace xs;

namespace {

const std::string kHostile = "</details><script>alert(1)</script> | @everyone `x` *y* [z](http://e)\n# h";

Action import_of(const std::string& number, const std::string& label) {
  Action a;
  a.kind = ActionKind::Import;
  a.phone_number = number;
  a.label = label;
  a.twilio_account = "main";
  return a;
}

Plan sample_plan() {
  Plan p;
  Action imp = import_of("+15551230001", kHostile);
  TwilioRouting r;
  r.voice_url = "https://ops:s3cretpw@ivr.example.com/voice";
  r.voice_method = "POST";
  imp.routing_before = r;
  p.actions.push_back(imp);
  Action as;
  as.kind = ActionKind::Assign;
  as.phone_number = "+15551230001";
  as.agent_id = "agent_1";
  as.agent_ref = "support";
  p.actions.push_back(as);
  Action b;
  b.kind = ActionKind::Batch;
  b.batch_name = "renewals";
  b.phone_number = "+15551230001";
  b.agent_id = "agent_1";
  b.calls = 250;
  p.actions.push_back(b);
  p.warnings.push_back({"label_drift", "+15550001111", "live \"<b>old</b>\", mapping \"new\""});
  p.summary.imports = 1;
  p.summary.assigns = 1;
  p.summary.batches = 1;
  return p;
}

// Every '<' of the text that is not one of the tags the renderer itself writes.
std::vector<std::string> foreign_tags(const std::string& md) {
  const std::set<std::string> ours = {"<details>", "<details open>", "</details>", "<summary>",
                                      "</summary>", "<!-- xuna-sync plan -->",
                                      "<!-- xuna-sync apply -->"};
  std::vector<std::string> out;
  for (std::size_t at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1)) {
    bool known = false;
    for (const auto& t : ours) known |= md.compare(at, t.size(), t) == 0;
    if (!known) out.push_back(md.substr(at, 20));
  }
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("markdown: the counts and the verdict come first, then one block per kind") {
  const std::string md = plan_to_markdown(sample_plan(), {});
  CHECK(md.rfind("<!-- xuna-sync plan -->\n### xuna-sync plan\n", 0) == 0);
  CHECK_THAT(md, Catch::Contains("| imports | 1 |"));
  CHECK_THAT(md, Catch::Contains("| agent assignments | 1 |"));
  CHECK_THAT(md, Catch::Contains("| campaigns | 1 (250 recipients) |"));
  CHECK_THAT(md, Catch::Contains("| cut-overs (Twilio routing moved to XUNA) | 1 |"));
  CHECK_THAT(md, Catch::Contains("| warnings | 1 |"));
  CHECK_THAT(md, Catch::Contains("**Safety checks:** passed"));
  CHECK(md.find("**Safety checks:**") < md.find("<details>"));
  CHECK(count(md, "<details>") == 4);  // imports, assigns, campaigns, warnings
  CHECK(count(md, "</details>") == 4);
  CHECK_THAT(md, Catch::Contains("<summary>Imports (1)</summary>"));
  CHECK_THAT(md, Catch::Contains("<summary>Campaigns (1)</summary>"));
  CHECK(md.find("left out") == std::string::npos);
}

TEST_CASE("markdown: a refused plan says why, and errors are shown unfolded") {
  Plan p = sample_plan();
  p.errors.push_back({"+15559990000", "Twilio account 'main' does not own it"});
  MarkdownOptions o;
  o.refused = "it would move 12 of 20 assigned numbers (60%) to another agent";
  const std::string md = plan_to_markdown(p, o);
  CHECK_THAT(md, Catch::Contains("**Safety checks:** refused: apply would refuse this plan: it "
                                 "would move 12 of 20 assigned numbers \\(60%\\) to another agent"));
  CHECK_THAT(md, Catch::Contains("<details open><summary>Errors (1)</summary>"));
  CHECK_THAT(md, Catch::Contains("| errors | 1 |"));
}

TEST_CASE("markdown: hostile labels and messages open no tag, close no block, mention nobody") {
  const std::string md = plan_to_markdown(sample_plan(), {});
  CHECK(foreign_tags(md).empty());
  CHECK(md.find("<script") == std::string::npos);
  CHECK_THAT(md, Catch::Contains("&lt;/details&gt;&lt;script&gt;"));
  CHECK(md.find("@everyone") == std::string::npos);
  CHECK(md.find("\n# h") == std::string::npos);  // the newline is shown, not obeyed
  CHECK(md.find("s3cretpw") == std::string::npos);  // webhook passwords masked
  // each table row keeps its cells: the label's '|' is escaped
  std::regex row(R"(^\| \\\+15551230001 \| .* \| main \| .* \|$)");
  bool found = false;
  for (std::size_t b = 0, e; b < md.size(); b = e + 1) {
    e = md.find('\n', b);
    if (e == std::string::npos) e = md.size();
    const std::string line = md.substr(b, e - b);
    if (std::regex_match(line, row)) {
      found = true;
      std::size_t bars = 0;
      for (std::size_t i = 0; i < line.size(); ++i) bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
      CHECK(bars == 5);  // four cells
    }
  }
  CHECK(found);
  CHECK(markdown_text("a<b>&\"c") == "a&lt;b&gt;&amp;&quot;c");
  CHECK(markdown_text("x|y") == "x\\|y");
  CHECK(markdown_text("line\nnext") == "line\\\\nnext");
  CHECK(markdown_text("\xe2\x80\xae") == "\\\\u\\{202E\\}");  // bidi override shown, not obeyed
}

TEST_CASE("markdown: a large plan is cut under the limit, saying how much and where the rest is") {
  Plan p;
  for (int i = 0; i < 3000; ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "+1555200%04d", i);
    p.actions.push_back(import_of(number, "Generated label for number " + std::to_string(i)));
  }
  p.summary.imports = 3000;
  MarkdownOptions o;
  o.full_plan = "PLAN.json";
  const std::string md = plan_to_markdown(p, o);
  CHECK(md.size() <= 65536);
  CHECK_THAT(md, Catch::Contains("| imports | 3,000 |"));
  std::smatch m;
  const std::regex note(R"(\*\*([0-9,]+) of 3,000 lines left out\*\* to keep this under 65,536 bytes; the full plan is in PLAN\\\.json\.)");
  REQUIRE(std::regex_search(md, m, note));
  const std::size_t rows = count(md, "| \\+1555200");
  std::string left = m[1];
  left.erase(std::remove(left.begin(), left.end(), ','), left.end());
  CHECK(rows + std::stoul(left) == 3000);
  CHECK(rows > 500);  // the space is used, not given up early
  CHECK(count(md, "<details>") == count(md, "</details>"));
  o.max_bytes = 4096;
  CHECK(plan_to_markdown(p, o).size() <= 4096);
}

TEST_CASE("markdown: the apply report lists failures first, with their reasons escaped") {
  ApplyReport r;
  ActionResult ok;
  ok.action = import_of("+15551230001", "Support");
  ActionResult bad;
  bad.action = import_of("+15551230002", "Sales");
  bad.outcome = Outcome::Failed;
  bad.error = "POST /v1/convai/phone-numbers: 500 <html>oops</html>";
  r.results = {ok, bad};
  r.ok = 1;
  r.failed = 1;
  const std::string md = report_to_markdown(r);
  CHECK_THAT(md, Catch::Contains("| failed | 1 |"));
  CHECK_THAT(md, Catch::Contains("**Result:** failed"));
  CHECK(md.find("Failed, skipped or unknown (1)") < md.find("Done (1)"));
  CHECK(foreign_tags(md).empty());
}

TEST_CASE("a saved plan keeps --only and --exclude for apply PLAN.json") {
  PlanHeader h;
  h.only = {"+1555*"};
  h.exclude = {"+15551230002", "label:VIP*"};
  const std::string json = plan_to_json(Plan{}, h);
  CHECK_THAT(json, Catch::Contains("\"selection\""));
  PlanHeader back;
  plan_from_json(json, back);
  CHECK(back.only == h.only);
  CHECK(back.exclude == h.exclude);
  PlanHeader none;
  plan_from_json(plan_to_json(Plan{}, {}), none);
  CHECK(none.exclude.empty());
}

// Text that cannot lie (issue 13 point 7): labels and messages cannot forge a plan line or move
// the cursor; routing is described, and webhook passwords masked, in text and JSON alike.
#include <catch2/catch.hpp>
#include <sstream>

#include "report/escape.h"
#include "report/plan_json.h"
#include "report/rollback_text.h"
#include "report/text.h"

using namespace xs;

namespace {

const std::string kForgery = "Support\n  + import  +19999999999  \"FAKE\"  (twilio: main)";

Action import_of(const std::string& number, const std::string& label) {
  Action a;
  a.kind = ActionKind::Import;
  a.phone_number = number;
  a.label = label;
  a.twilio_account = "main";
  return a;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

int lines_starting(const std::string& text, const std::string& prefix) {
  int n = 0;
  for (const auto& l : lines_of(text)) n += l.rfind(prefix, 0) == 0;
  return n;
}

TwilioRouting with_password() {
  TwilioRouting r;
  r.sid = "PN1";
  r.voice_url = "https://ops:s3cretpw@ivr.example.com/voice";
  r.voice_method = "POST";
  r.voice_fallback_url = "https://ops:s3cretpw@fallback.example.com/";
  return r;
}

}  // namespace

TEST_CASE("printable escapes controls, bidi overrides, NUL and (asked) quotes") {
  CHECK(printable("a\nb") == "a\\nb");
  CHECK(printable("\x1b[2Jx") == "\\e[2Jx");
  CHECK(printable("evil\xE2\x80\xAEtxt.exe") == "evil\\u{202E}txt.exe");
  CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(printable("say \"hi\"", true) == "say \\\"hi\\\"");
  CHECK(printable("say \"hi\"") == "say \"hi\"");
  CHECK(printable("back\\slash") == "back\\\\slash");
  CHECK(printable("Zürich") == "Zürich");  // UTF-8 text stays as it is
}

TEST_CASE("a label with a newline and a fake plan line forges no line of the text plan") {
  Plan p;
  p.actions.push_back(import_of("+15551230001", kForgery));
  p.summary.imports = 1;
  const std::string text = render_plan(p, {});
  CHECK(lines_starting(text, "  + import") == 1);
  CHECK(text.find("\n  + import  +19999999999") == std::string::npos);
  CHECK_THAT(text, Catch::Contains(
                       "\"Support\\n  + import  +19999999999  \\\"FAKE\\\"  (twilio: main)\""));
}

TEST_CASE("ANSI escapes, U+202E and NUL in a label reach the text plan escaped") {
  Plan p;
  p.actions.push_back(import_of("+15551230001", "A\x1b[1A\x1b[2K"));
  p.actions.push_back(import_of("+15551230002",
                                "B\xE2\x80\xAE"
                                "evil"));
  p.actions.push_back(import_of("+15551230003", std::string("C\0D", 3)));
  const std::string text = render_plan(p, {});
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(text.find('\0') == std::string::npos);
  CHECK_THAT(text, Catch::Contains("A\\e[1A\\e[2K"));
  CHECK_THAT(text, Catch::Contains("B\\u{202E}evil"));
  CHECK_THAT(text, Catch::Contains("C\\x00D"));
}

TEST_CASE("warnings and errors from servers and mappings are escaped too") {
  Plan p;
  p.warnings.push_back({"label_drift", "+15551230001", "live \"x\nx  + import  +1999 FAKE\""});
  p.errors.push_back({"+15551230002", "Twilio said: \x1b]0;pwned\x07\n  + import  +1999"});
  const std::string text = render_plan(p, {});
  CHECK(lines_starting(text, "  + import") == 0);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);

  ApplyReport report;
  ActionResult r;
  r.action = import_of("+15551230001", kForgery);
  r.outcome = Outcome::Failed;
  r.error = "409 Conflict\n  + imported  +19999999999  pn_fake";
  report.results.push_back(r);
  report.failed = 1;
  const std::string done = render_report(report, {});
  CHECK(lines_starting(done, "  + imported") == 0);
}

TEST_CASE("an import line says where calls go now, a webhook password is masked in text") {
  Plan p;
  Action a = import_of("+15551230001", "Support");
  a.routing_before = with_password();
  p.actions.push_back(a);
  Action app = import_of("+15551230002", "App");
  app.routing_before = TwilioRouting{};
  app.routing_before->voice_application_sid = "AP0123";
  p.actions.push_back(app);
  Action trunk = import_of("+15551230003", "Trunk");
  trunk.routing_before = TwilioRouting{};
  trunk.routing_before->trunk_sid = "TK0456";
  p.actions.push_back(trunk);
  Action none = import_of("+15551230004", "None");
  none.routing_before = TwilioRouting{};
  p.actions.push_back(none);
  const std::string text = render_plan(p, {});
  CHECK_THAT(text, Catch::Contains("calls now -> https://ops:***@ivr.example.com/voice (POST)"));
  CHECK_THAT(text, Catch::Contains("calls now -> TwiML app AP0123"));
  CHECK_THAT(text, Catch::Contains("calls now -> SIP trunk TK0456"));
  CHECK_THAT(text, Catch::Contains("calls now -> nothing"));
  CHECK(text.find("s3cretpw") == std::string::npos);
}

TEST_CASE("a webhook password is masked in the JSON plan's routing_before") {
  Plan p;
  Action a = import_of("+15551230001", "Support");
  a.routing_before = with_password();
  a.snapshot = true;
  p.actions.push_back(a);
  p.summary.imports = 1;
  const std::string json = plan_to_json(p, {});
  CHECK_THAT(json, Catch::Contains("routing_before"));
  CHECK_THAT(json, Catch::Contains("https://ops:***@ivr.example.com/voice"));
  CHECK_THAT(json, Catch::Contains("https://ops:***@fallback.example.com/"));
  CHECK(json.find("s3cretpw") == std::string::npos);
}

TEST_CASE("rollback text and JSON mask webhook passwords and escape messages") {
  RollbackItem i;
  i.phone_number = "+15551230001";
  i.twilio_account = "main";
  i.now.voice_url = "https://xuna.example/twilio/inbound_call";
  i.wanted = with_password();
  i.status = RollbackItem::Status::Change;
  RollbackItem bad;
  bad.phone_number = "+15551230002";
  bad.status = RollbackItem::Status::Problem;
  bad.outcome = Outcome::Failed;
  bad.message = "Twilio said\n  restore  +19999999999 FAKE";
  const std::vector<RollbackItem> items{i, bad};
  const std::string text =
      render_rollback_plan(items, false, {}) + render_rollback_report(items, {});
  CHECK_THAT(text, Catch::Contains("https://ops:***@ivr.example.com/voice"));
  CHECK(text.find("s3cretpw") == std::string::npos);
  CHECK(text.find("\n  restore  +19999999999") == std::string::npos);
  const std::string json = rollback_to_json(items, false);
  CHECK(json.find("s3cretpw") == std::string::npos);
  CHECK_THAT(json, Catch::Contains("ops:***@"));
}

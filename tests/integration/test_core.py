"""validate -> plan -> apply -> plan against a real xuna-emulator over loopback."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (AFTERHOURS, SALES, SUPPORT, Case, main,  # noqa: E402
                     without_number_warnings)

NUMBERS = """  - phone_number: "+15551234567"
    label: Customer Support Line
    agent: support
  - phone_number: "+15551234568"
    label: Sales Line
    agent: sales
  - phone_number: "+15551234569"
    label: After-hours Line
    agent: afterhours
  - phone_number: "+15551234571"
    label: Fax Line
  - phone_number: "+15550001111"
    label: Front Desk
    agent: support
"""

EXISTING = [
    {"phone_number_id": "phnum_front", "phone_number": "+15550001111", "label": "Old name",
     "agent_id": SALES},
    {"phone_number_id": "phnum_other", "phone_number": "+15550002222", "label": "Not ours",
     "agent_id": AFTERHOURS},
]


class CoreFlow(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator(self.fixture(existing=EXISTING))
        self.mapping(NUMBERS)

    def test_validate_plan_apply_plan(self):
        p = self.sync("validate")
        self.assertExit(p, 0)
        self.assertIn("5 numbers", p.stdout)

        p = self.sync("plan", "--detailed-exitcode", emulator=self.emu)
        self.assertExit(p, 2)
        self.assertIn('  + import  +15551234567    "Customer Support Line"  (twilio: main)',
                      p.stdout)
        self.assertIn(f"  ~ assign  +15551234567    (none) -> {SUPPORT} (support)", p.stdout)
        self.assertIn(f"  ~ assign  +15550001111    {SALES} -> {SUPPORT} (support)", p.stdout)
        self.assertIn('  ! label   +15550001111    live "Old name", mapping "Front Desk"', p.stdout)
        self.assertIn("Plan: 4 to import, 4 to assign, 0 batches to submit; 0 unchanged, "
                      "1 unmanaged.", p.stdout)
        self.assertEqual(self.emu.writes(), [], "plan must not write")

        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("Apply: 8 ok, 0 failed, 0 skipped.", p.stdout)

        live = self.emu.numbers()
        self.assertEqual(live["+15551234567"]["agent_id"], SUPPORT)
        self.assertEqual(live["+15551234567"]["label"], "Customer Support Line")
        self.assertEqual(live["+15551234568"]["agent_id"], SALES)
        self.assertEqual(live["+15551234569"]["agent_id"], AFTERHOURS)
        self.assertIsNone(live["+15551234571"]["agent_id"])
        self.assertEqual(live["+15550001111"]["agent_id"], SUPPORT)
        # the unmanaged number is untouched
        self.assertEqual(live["+15550002222"]["agent_id"], AFTERHOURS)
        self.assertEqual(live["+15550002222"]["label"], "Not ours")

        p = self.sync("plan", "--detailed-exitcode", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("No changes: XUNA matches the mapping.", p.stdout)
        self.assertIn("0 to import, 0 to assign, 0 batches to submit; 5 unchanged, 1 unmanaged.",
                      p.stdout)
        self.assertNoSecrets()

    def test_second_apply_sends_no_write(self):
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.emu.clear_requests()
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        reqs = self.emu.requests()
        self.assertEqual([(r["method"], r["path"]) for r in reqs],
                         [("GET", "/v1/convai/phone-numbers")])

    def test_writes_carry_idempotency_keys_and_never_log_the_token_in_clear(self):
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        writes = self.emu.writes()
        self.assertEqual(len(writes), 8)
        keys = [w["idempotency_key"] for w in writes]
        self.assertTrue(all(k and k.startswith("xs-") for k in keys))
        self.assertEqual(len(set(keys)), 8)
        imports = [w for w in writes if w["method"] == "POST"]
        self.assertEqual(imports[0]["body"]["twilio_auth_token"], "***")  # redacted by the log

    def test_drift_behind_the_tools_back_is_planned_and_fixed(self):
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        sales = self.emu.numbers()["+15551234568"]
        self.emu.change_number(sales["phone_number_id"], agent_id=SUPPORT)
        p = self.sync("plan", "--detailed-exitcode", emulator=self.emu)
        self.assertExit(p, 2)
        self.assertIn(f"  ~ assign  +15551234568    {SUPPORT} -> {SALES} (sales)", p.stdout)
        self.emu.clear_requests()
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.assertEqual([(w["method"], w["path"]) for w in self.emu.writes()],
                         [("PATCH", "/v1/convai/phone-numbers/" + sales["phone_number_id"])])
        self.assertEqual(self.emu.numbers()["+15551234568"]["agent_id"], SALES)

    def test_a_number_the_account_does_not_own_fails_alone(self):
        self.mapping(NUMBERS + """  - phone_number: "+15559990000"
    label: Not owned
    agent: support
""")
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 1)
        self.assertIn("+15559990000", p.stdout)
        self.assertIn("did not succeed", p.stdout)
        live = self.emu.numbers()
        self.assertNotIn("+15559990000", live)
        for n in ("+15551234567", "+15551234568", "+15551234569", "+15551234571"):
            self.assertIn(n, live)
        self.assertEqual(live["+15551234567"]["agent_id"], SUPPORT)
        # the re-run does only what is still missing, and the ownership check keeps the one
        # import Twilio would reject from being sent at all
        self.emu.clear_requests()
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 1)
        self.assertEqual(self.emu.writes(), [])
        self.assertNoSecrets()

    def test_wrong_api_key_is_one_line_401(self):
        p = self.sync("plan", emulator=self.emu, env=self.env(XUNA_API_KEY="xk_wrong"))
        self.assertExit(p, 1)
        lines = without_number_warnings(p.stderr).strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn("401", lines[0])
        self.assertIn("GET /v1/convai/phone-numbers", lines[0])
        self.assertNotIn("xk_wrong", p.stderr + p.stdout)

    def test_missing_api_key_is_a_usage_error(self):
        p = self.sync("plan", emulator=self.emu, env=self.env(XUNA_API_KEY=None))
        self.assertExit(p, 3)
        self.assertIn("XUNA_API_KEY is not set", p.stderr)

    def test_missing_twilio_token_variable_is_named_before_anything_is_sent(self):
        p = self.sync("apply", "--auto-approve", emulator=self.emu,
                      env=self.env(TWILIO_MAIN_AUTH_TOKEN=None))
        self.assertExit(p, 3)
        self.assertIn("environment variable TWILIO_MAIN_AUTH_TOKEN", p.stderr)
        self.assertEqual(self.emu.writes(), [])

    def test_unreachable_api_fails_within_the_timeout(self):
        p = self.sync("plan", "--api-url", "http://127.0.0.1:9", "--timeout", "2")
        self.assertExit(p, 1)
        self.assertIn("connection refused", p.stderr)
        self.assertLess(p.elapsed, 30)

    def test_apply_without_terminal_or_auto_approve_does_nothing(self):
        p = self.sync("apply", emulator=self.emu)
        self.assertExit(p, 3)
        self.assertIn("--auto-approve", p.stderr)
        self.assertEqual(self.emu.requests(), [])

    def test_state_records_runs_actions_and_managed_numbers_without_secrets(self):
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        db = sqlite3.connect(os.path.join(self.dir, "state", "state.db"))
        runs = db.execute("SELECT command, outcome, finished_at FROM runs").fetchall()
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs[0][:2], ("apply", "ok"))
        outcomes = db.execute("SELECT kind, outcome FROM actions").fetchall()
        self.assertEqual(sorted(outcomes), sorted([("import", "ok")] * 4 + [("assign", "ok")] * 4))
        managed = {r[0] for r in db.execute("SELECT phone_number FROM managed_numbers")}
        self.assertEqual(managed, {"+15551234567", "+15551234568", "+15551234569",
                                   "+15551234571", "+15550001111"})
        db.close()
        p = self.sync("history")
        self.assertExit(p, 0)
        self.assertIn("apply  ok", p.stdout)
        self.assertIn("ok      import  +15551234567", p.stdout)
        self.assertNoSecrets()

    def test_a_number_dropped_from_the_mapping_is_orphaned_not_deleted(self):
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.mapping("\n".join(NUMBERS.splitlines()[:6]) + "\n")  # keep the first two
        p = self.sync("plan", "--detailed-exitcode", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("! orphan  +15551234569", p.stdout)
        self.assertIn("(3 orphaned)", p.stdout)

    def test_json_plan_has_the_documented_fields_and_no_secret(self):
        import json
        p = self.sync("plan", "--format", "json", emulator=self.emu)
        self.assertExit(p, 0)
        doc = json.loads(p.stdout)
        for key in ("format_version", "api_url", "created_at", "mapping_digest", "live_digest",
                    "actions", "warnings", "summary"):
            self.assertIn(key, doc)
        self.assertEqual(doc["summary"]["import"], 4)
        self.assertEqual(doc["summary"]["assign"], 4)
        moved = [a for a in doc["actions"] if a["phone_number"] == "+15550001111"]
        self.assertEqual(moved[0]["before"], SALES)
        self.assertEqual(doc["warnings"][0]["kind"], "label_drift")
        self.assertNoSecrets()

    def test_export_prints_a_mapping_validate_accepts_once_filled_in(self):
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        p = self.sync("export", emulator=self.emu)
        self.assertExit(p, 0)
        text = p.stdout.replace("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                                "AC0123456789abcdef0123456789abcdef")
        path = self.write("exported/all.yaml", text)
        v = self.sync("validate", "-f", path)
        self.assertExit(v, 0)
        self.assertIn("6 numbers", v.stdout)


class BadInput(Case):
    def test_invalid_mapping_exits_3_with_locations_and_sends_nothing(self):
        emu = self.start_emulator()
        self.mapping("""  - phone_number: "(555) 123-4567"
    label: Support
    agnet: support
""")
        p = self.sync("plan", emulator=emu)
        self.assertExit(p, 3)
        self.assertIn("mappings/main.yaml:13:19: invalid phone number '(555) 123-4567'", p.stderr)
        self.assertIn("mappings/main.yaml:15:5: unknown key 'agnet' (did you mean 'agent'?)",
                      p.stderr)
        self.assertNotIn("terminate", p.stderr)
        self.assertEqual(emu.requests(), [])

    def test_apply_reports_the_mapping_before_a_state_it_cannot_open(self):
        # apply opens the state while it reads the mapping (issue 23): a bad mapping still
        # decides the message and the exit code, and nothing is sent.
        emu = self.start_emulator()
        self.mapping("""  - phone_number: "(555) 123-4567"
    label: Support
""")
        blocker = os.path.join(self.dir, "not-a-dir")
        with open(blocker, "w") as f:
            f.write("x")
        p = self.sync("apply", "--auto-approve", "--state",
                      os.path.join(blocker, "state.db"), emulator=emu)
        self.assertExit(p, 3)
        self.assertIn("invalid phone number '(555) 123-4567'", p.stderr)
        self.assertNotIn("not-a-dir", p.stderr)
        self.assertEqual(emu.requests(), [])
        # with a good mapping, the state's failure is the one reported
        self.mapping("""  - phone_number: "+15551234567"
    label: Support
    agent: support
""")
        p = self.sync("apply", "--auto-approve", "--state",
                      os.path.join(blocker, "state.db"), emulator=emu)
        self.assertExit(p, 1)
        self.assertIn("not-a-dir", p.stderr)
        self.assertEqual([r for r in emu.requests() if r["method"] != "GET"], [])

    def test_apply_of_an_impossible_number_records_nothing_and_writes_nothing(self):
        # apply asks for its lists while libphonenumber checks the numbers (issue 23): an
        # impossible number still ends the run first, with exit 3, its location, only reads
        # at the server and no run in the state; the fixed mapping then applies.
        emu = self.start_emulator()
        self.mapping("""  - phone_number: "+15551234567"
    label: Support
    agent: support
  - phone_number: "+1212200250"
    label: Short
""")
        p = self.sync("apply", "--auto-approve", emulator=emu)
        self.assertExit(p, 3)
        self.assertIn("mappings/main.yaml:16:19: impossible phone number +1212200250: too short",
                      p.stderr)
        self.assertEqual(emu.writes(), [])
        h = self.sync("history", "--format", "json")
        self.assertExit(h, 0)
        self.assertNotIn('"apply"', h.stdout)
        self.mapping("""  - phone_number: "+15551234567"
    label: Support
    agent: support
""")
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu), 0)
        self.assertEqual(len([w for w in emu.writes() if w["method"] == "POST"]), 1)
        self.assertEqual(self.sync("history", "--format", "json").stdout.count('"apply"'), 1)

    def test_output_piped_is_whole_when_the_process_ends(self):
        # The process ends without destroying the libraries' statics (issue 23): whatever a
        # command wrote is still flushed to a pipe, to its last line, and the code kept.
        emu = self.start_emulator()
        lines = "".join('  - phone_number: "+1201555%04d"\n    label: Line %d\n    agent: support\n'
                        % (i, i) for i in range(300))
        self.mapping(lines)
        p = self.sync("plan", "--no-color", emulator=emu)  # numbers Twilio does not own here
        self.assertEqual(p.stdout.count("x error"), 300, p.stdout[-300:])
        self.assertTrue(p.stdout.splitlines()[-1].endswith("; 300 errors."), p.stdout[-300:])
        self.assertExit(p, 1)

    def test_unknown_option_and_command_are_usage_errors(self):
        self.assertExit(self.sync("plan", "--nope"), 3)
        self.assertExit(self.sync("frobnicate"), 3)
        self.assertExit(self.sync("history", "--auto-approve"), 3)

    def test_help_and_version(self):
        p = self.sync("--help")
        self.assertExit(p, 0)
        for c in ("validate", "plan", "apply", "export", "history", "state"):
            self.assertIn(c, p.stdout)
        p = self.sync("apply", "--help")
        self.assertExit(p, 0)
        self.assertIn("Example", p.stdout)
        self.assertExit(self.sync("--version"), 0)


if __name__ == "__main__":
    main()

"""The cut-over of live numbers (DESIGN.md §9, issue 11) against xuna-emulator: the plan shows
where each number's calls go now, the import snapshots that routing, the check after catches a
number Twilio does not send to XUNA, rollback restores the snapshot (idempotently) and --undo
points it back, routing drift is warned about, app- and trunk-routed numbers are refused unless
taken over, waves select numbers, and a webhook password never leaves the state."""
import json
import os
import sqlite3
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (ACCOUNT_SID, SUPPORT, Case, main, plant_lock,  # noqa: E402
                     set_twilio_routing, twilio_routing)

IVR = "+12125550101"     # a production IVR, every routing field set
NIGHT = "+12125550102"   # an IVR behind a password in its URL
APP = "+12125550103"     # routed through a TwiML application
TRUNK = "+12125550104"   # routed through a SIP trunk
PLAIN = "+12125550105"   # nothing set
APP_SID = "AP" + "a1" * 16
TRUNK_SID = "TK" + "c3" * 16
IVR_ROUTING = {"voice_url": "https://ivr.example.com/voice", "voice_method": "POST",
               "voice_fallback_url": "https://fallback.example.com/voice",
               "voice_fallback_method": "GET", "status_callback": "https://status.example.com/cb",
               "status_callback_method": "GET", "voice_application_sid": None,
               "trunk_sid": None, "voice_receive_mode": "voice"}
PASSWORD = "n1ght-Sh1ft-webhook-pw"
NIGHT_URL = f"https://ops:{PASSWORD}@ivr.example.com/night?x=1"
FIELDS = list(IVR_ROUTING)


def routing_of(number):
    return {k: number[k] for k in FIELDS}


def twilio_updates(requests):
    """The Twilio update calls (POST to one number) in a request log."""
    return [r for r in requests
            if r["method"] == "POST" and "/IncomingPhoneNumbers/" in r["path"]]


def imports(requests):
    return [r["body"]["phone_number"] for r in requests
            if r["method"] == "POST" and r["path"] == "/v1/convai/phone-numbers"]


def twilio_lists(requests):
    return [r for r in requests
            if r["method"] == "GET" and r["path"].endswith("/IncomingPhoneNumbers.json")]


class CutoverCase(Case):
    def twilio_numbers(self):
        return [
            {"phone_number": IVR, "friendly_name": "Support desk", **IVR_ROUTING},
            {"phone_number": NIGHT, "voice_url": NIGHT_URL},
            {"phone_number": APP, "voice_application_sid": APP_SID,
             "voice_url": "https://ignored.example.com/"},
            {"phone_number": TRUNK, "trunk_sid": TRUNK_SID},
            {"phone_number": PLAIN},
        ]

    def start(self, extra_args=(), numbers=None, existing=None):
        fx = self.fixture(owned=[], existing=existing)
        fx["twilio_accounts"][0]["numbers"] = numbers or self.twilio_numbers()
        self.emu = self.start_emulator(fx, extra_args)
        self.inbound = self.emu.url + "/twilio/inbound_call"
        return self.emu

    def map_numbers(self, *entries):
        """entries: (number, label[, extra yaml lines])."""
        text = ""
        for number, label, *extra in entries:
            text += f'  - phone_number: "{number}"\n    label: {label}\n'
            for line in extra:
                text += f"    {line}\n"
        return self.mapping(text)

    def run_sync(self, *args, code=None, **kw):
        p = self.sync(*args, emulator=self.emu, **kw)
        if code is not None:
            self.assertExit(p, code)
        return p

    def snapshots(self):
        with sqlite3.connect(os.path.join(self.dir, "state", "state.db")) as db:
            db.row_factory = sqlite3.Row
            return {r["phone_number"]: dict(r) for r in db.execute("SELECT * FROM snapshots")}

    def actions(self, kind=None):
        with sqlite3.connect(os.path.join(self.dir, "state", "state.db")) as db:
            db.row_factory = sqlite3.Row
            rows = [dict(r) for r in db.execute("SELECT * FROM actions ORDER BY id")]
        return [r for r in rows if kind is None or r["kind"] == kind]

    def assertRouting(self, number, expected):
        self.assertEqual(routing_of(twilio_routing(self.emu, number)), expected)

    def at_xuna(self, **overrides):
        r = dict(IVR_ROUTING, voice_url=self.inbound, voice_method="POST")
        r.update(overrides)
        return r


class EndToEnd(CutoverCase):
    def test_plan_import_check_rollback_again_and_undo(self):
        self.start()
        self.map_numbers((IVR, "Support desk", "agent: support"), (NIGHT, "Night shift"))

        # plan: where calls go now, a URL's password masked
        p = self.run_sync("plan", "--no-color", code=0)
        self.assertIn(f'  + import  {IVR}    "Support desk"  (twilio: main)  '
                      "calls now -> https://ivr.example.com/voice (POST)\n", p.stdout)
        self.assertIn(f'  + import  {NIGHT}    "Night shift"  (twilio: main)  '
                      "calls now -> https://ops:***@ivr.example.com/night?x=1 (POST)\n", p.stdout)
        p = self.run_sync("plan", "--format", "json", code=0)
        plan = json.loads(p.stdout)
        before = {a["phone_number"]: a["routing_before"] for a in plan["actions"]
                  if a["action"] == "import"}
        self.assertEqual({k: before[IVR][k] for k in FIELDS}, IVR_ROUTING)
        self.assertTrue(before[IVR]["sid"].startswith("PN"), before[IVR])
        self.assertEqual(before[NIGHT]["voice_url"], "https://ops:***@ivr.example.com/night?x=1")

        # apply: imports, the snapshot is in the state, the check passes, the routing after too
        self.emu.clear_requests()
        p = self.run_sync("apply", "--auto-approve", "--no-color", code=0)
        self.assertNotIn("x routing", p.stdout)
        reqs = self.emu.requests()
        self.assertEqual(sorted(imports(reqs)), sorted([IVR, NIGHT]))
        last_import = max(r["seq"] for r in reqs
                          if r["method"] == "POST" and r["path"] == "/v1/convai/phone-numbers")
        self.assertEqual(len([r for r in twilio_lists(reqs) if r["seq"] > last_import]), 1,
                         "one re-list of the account checks the cut-over")
        # the import itself re-points the number; the one update is NIGHT's probation fallback
        # (issue 22; IVR has a fallback of its own, left alone)
        self.assertEqual([r["body"]["VoiceFallbackUrl"] for r in twilio_updates(reqs)],
                         ["https://ops:***@ivr.example.com/night?x=1"])
        snap = self.snapshots()
        self.assertEqual(set(snap), {IVR, NIGHT})
        self.assertEqual(snap[IVR]["before_voice_url"], "https://ivr.example.com/voice")
        self.assertEqual(snap[IVR]["before_voice_fallback_url"], "https://fallback.example.com/voice")
        self.assertEqual(snap[IVR]["before_status_callback_method"], "GET")
        self.assertEqual(snap[IVR]["account_sid"], ACCOUNT_SID)
        self.assertEqual(snap[IVR]["before_sid"], before[IVR]["sid"])
        self.assertEqual(snap[IVR]["has_after"], 1)
        self.assertEqual(snap[IVR]["after_voice_url"], self.inbound)
        self.assertEqual(snap[NIGHT]["before_voice_url"], NIGHT_URL, "the state keeps it whole")
        self.assertRouting(IVR, self.at_xuna())

        # rollback: the IVR is back, every field of it
        self.emu.clear_requests()
        p = self.run_sync("rollback", IVR, "--auto-approve", "--no-color", code=0)
        self.assertIn(f"  < restore  {IVR}  {self.inbound} (POST) -> "
                      "https://ivr.example.com/voice (POST)\n", p.stdout)
        self.assertIn(f"  ok  {IVR}  calls go to https://ivr.example.com/voice (POST)\n", p.stdout)
        self.assertRouting(IVR, IVR_ROUTING)
        self.assertRouting(NIGHT, self.at_xuna(voice_fallback_url=NIGHT_URL,
                                               voice_fallback_method="POST",
                                               status_callback=None,
                                               status_callback_method="POST"))
        self.assertEqual(len(twilio_updates(self.emu.requests())), 1)
        self.assertEqual(self.snapshots()[IVR]["rolled_back"], 1)

        # rollback again: nothing to send
        self.emu.clear_requests()
        p = self.run_sync("rollback", IVR, "--auto-approve", "--no-color", code=0)
        self.assertIn(f"  = already  {IVR}  calls go to https://ivr.example.com/voice (POST)\n",
                      p.stdout)
        self.assertIn("Rollback: 0 to change, 1 not.", p.stdout)
        self.assertEqual(twilio_updates(self.emu.requests()), [])

        # plan: rolled back, not drift
        p = self.run_sync("plan", "--no-color", code=0)
        self.assertIn(f"  ! routing +12125550101    rolled back: Twilio sends its calls to "
                      "https://ivr.example.com/voice (POST), not XUNA ('xuna-sync rollback --undo "
                      f"{IVR}' points it back)\n", p.stdout)
        self.assertNotIn("no rollback explains it", p.stdout)
        warnings = json.loads(self.run_sync("plan", "--format", "json", code=0).stdout)["warnings"]
        self.assertEqual([(w["kind"], w["phone_number"]) for w in warnings], [("rolled_back", IVR)])

        # no terminal, no --auto-approve: refused, nothing sent
        self.emu.clear_requests()
        p = self.run_sync("rollback", "--undo", IVR, code=3)
        self.assertIn("refusing to roll back without --auto-approve", p.stderr)
        self.assertEqual(self.emu.requests(), [])

        # --undo: back at the emulator's inbound call, as recorded after the cut-over
        p = self.run_sync("rollback", "--undo", IVR, "--auto-approve", "--format", "json", code=0)
        report = json.loads(p.stdout)
        self.assertEqual(report, {"format_version": 1, "undo": True, "numbers": [{
            "phone_number": IVR, "outcome": "ok", "changed": True,
            "routing_before": "https://ivr.example.com/voice (POST)",
            "routing_after": f"{self.inbound} (POST)"}]})
        self.assertRouting(IVR, self.at_xuna())
        self.assertEqual(self.snapshots()[IVR]["rolled_back"], 0)
        p = self.run_sync("plan", "--format", "json", code=0)
        self.assertEqual(json.loads(p.stdout)["warnings"], [])
        self.assertEqual([a["kind"] for a in self.actions() if a["phone_number"] == IVR],
                         ["import", "assign", "rollback", "undo"])

    def test_rollback_all_as_json(self):
        self.start()
        self.map_numbers((IVR, "Support desk"), (NIGHT, "Night shift"), (PLAIN, "Plain"))
        self.run_sync("apply", "--auto-approve", code=0)
        p = self.run_sync("rollback", "--all", "--auto-approve", "--format", "json", code=0)
        report = json.loads(p.stdout)
        self.assertEqual([(n["phone_number"], n["outcome"], n["changed"], n["routing_after"])
                          for n in report["numbers"]],
                         [(IVR, "ok", True, "https://ivr.example.com/voice (POST)"),
                          (NIGHT, "ok", True, "https://ops:***@ivr.example.com/night?x=1 (POST)"),
                          (PLAIN, "ok", True, "nothing")])
        self.assertRouting(IVR, IVR_ROUTING)
        self.assertEqual(twilio_routing(self.emu, NIGHT)["voice_url"], NIGHT_URL)
        self.assertIsNone(twilio_routing(self.emu, PLAIN)["voice_url"])
        self.assertNotIn(PASSWORD, p.stdout + p.stderr)


class Drift(CutoverCase):
    def test_a_console_edit_after_the_cutover_is_routing_drift(self):
        self.start()
        self.map_numbers((IVR, "Support desk"), (PLAIN, "Plain"))
        self.run_sync("apply", "--auto-approve", code=0)
        metrics = os.path.join(self.dir, "metrics.prom")
        p = self.run_sync("plan", "--metrics-file", metrics, code=0)
        self.assertNotIn("routing", p.stdout)
        with open(metrics) as f:
            self.assertIn("\nxuna_sync_routing_drift 0\n", f.read())

        set_twilio_routing(self.emu, PLAIN, voice_url="https://console.example.com/edited")
        p = self.run_sync("plan", "--no-color", "--metrics-file", metrics, code=0)
        self.assertIn(f"  ! routing {PLAIN}    Twilio sends its calls to "
                      "https://console.example.com/edited (POST), not XUNA, and no rollback "
                      "explains it (edited in the Twilio console?); 'xuna-sync rollback --undo "
                      f"{PLAIN}' points it back\n", p.stdout)
        self.assertNotIn(IVR, p.stdout)
        with open(metrics) as f:
            self.assertIn("\nxuna_sync_routing_drift 1\n", f.read())
        warnings = json.loads(self.run_sync("plan", "--format", "json", code=0).stdout)["warnings"]
        self.assertEqual([(w["kind"], w["phone_number"]) for w in warnings],
                         [("routing_drift", PLAIN)])

        # an application set in the console is drift too; --undo mends it
        set_twilio_routing(self.emu, IVR, voice_application_sid=APP_SID)
        p = self.run_sync("plan", "--no-color", code=0)
        self.assertIn(f"  ! routing {IVR}    Twilio sends its calls to TwiML app {APP_SID}, "
                      "not XUNA", p.stdout)
        self.run_sync("rollback", "--undo", IVR, PLAIN, "--auto-approve", code=0)
        self.assertRouting(IVR, self.at_xuna())
        self.assertEqual(json.loads(self.run_sync("plan", "--format", "json",
                                                  code=0).stdout)["warnings"], [])


class Takeover(CutoverCase):
    def test_app_and_trunk_routed_numbers_are_refused(self):
        self.start()
        self.map_numbers((IVR, "Support desk"), (APP, "App routed"), (TRUNK, "Trunk routed"))
        refused = {
            APP: f"calls now go to TwiML app {APP_SID}, which Twilio obeys before the webhook "
                 "XUNA would set: not imported (--allow-routing-takeover, or routing_takeover: "
                 "true on the number at mappings/main.yaml:",
            TRUNK: f"calls now go to SIP trunk {TRUNK_SID}, which Twilio obeys before the "
                   "webhook XUNA would set: not imported"}
        p = self.run_sync("plan", "--no-color", code=1)
        for number, message in refused.items():
            self.assertIn(f"  x error   {number}    {message}", p.stdout)
        self.assertIn("; 2 errors.", p.stdout)
        p = self.run_sync("plan", "--format", "json", code=1)
        plan = json.loads(p.stdout)
        self.assertEqual([e["phone_number"] for e in plan["errors"]], [APP, TRUNK])
        for e in plan["errors"]:
            self.assertTrue(e["message"].startswith(refused[e["phone_number"]]), e)
        self.assertEqual([a["phone_number"] for a in plan["actions"]], [IVR])

        self.emu.clear_requests()
        p = self.run_sync("apply", "--auto-approve", "--no-color", code=1)
        self.assertEqual(imports(self.emu.requests()), [IVR])
        self.assertEqual(set(self.emu.numbers()), {IVR})
        self.assertIn(f"  failed  import {APP}: calls now go to TwiML app", p.stdout)
        self.assertRouting(APP, dict(IVR_ROUTING, voice_url="https://ignored.example.com/",
                                     voice_fallback_url=None, voice_fallback_method="POST",
                                     status_callback=None, status_callback_method="POST",
                                     voice_application_sid=APP_SID))

    def test_taken_over_with_the_flag_and_caught_by_the_check(self):
        self.start()
        self.map_numbers((IVR, "Support desk"), (APP, "App routed"), (TRUNK, "Trunk routed"))
        p = self.run_sync("plan", "--allow-routing-takeover", "--no-color", code=0)
        self.assertIn(f"  + import  {APP}    \"App routed\"  (twilio: main)  "
                      f"calls now -> TwiML app {APP_SID}\n", p.stdout)
        self.assertIn(f"calls now -> SIP trunk {TRUNK_SID}\n", p.stdout)
        p = self.run_sync("apply", "--auto-approve", "--allow-routing-takeover", "--no-color",
                          code=1)
        self.assertEqual(set(self.emu.numbers()), {IVR, APP, TRUNK})
        origin = self.emu.url
        self.assertIn(f"  x routing  {APP}  imported, but Twilio still sends its calls to "
                      f"TwiML app {APP_SID} (XUNA is at {origin})\n", p.stdout)
        self.assertIn(f"  x routing  {TRUNK}  imported, but Twilio still sends its calls to "
                      f"SIP trunk {TRUNK_SID} (XUNA is at {origin})\n", p.stdout)
        self.assertNotIn(f"x routing  {IVR}", p.stdout)
        failed = [a for a in self.actions("import") if a["outcome"] == "failed"]
        self.assertEqual(sorted(a["phone_number"] for a in failed), [APP, TRUNK])
        # the snapshot holds the application, so a rollback has it back exactly
        self.assertEqual(self.snapshots()[APP]["before_voice_application_sid"], APP_SID)

    def test_routing_takeover_in_the_mapping_for_one_number(self):
        self.start()
        self.map_numbers((APP, "App routed", "routing_takeover: true"), (TRUNK, "Trunk routed"))
        p = self.run_sync("apply", "--auto-approve", "--format", "json", code=1)
        report = json.loads(p.stdout)
        self.assertEqual(imports(self.emu.requests()), [APP])
        self.assertEqual(report["routing_checks"], [{
            "phone_number": APP, "routes_to_xuna": False,
            "problem": f"imported, but Twilio still sends its calls to TwiML app {APP_SID} "
                       f"(XUNA is at {self.emu.url})"}])
        self.assertNotIn(TRUNK, self.emu.numbers())


class SavedPlan(CutoverCase):
    def test_a_saved_plan_snapshots_what_twilio_lists_not_the_masked_plan(self):
        self.start()
        self.map_numbers((NIGHT, "Night shift"), (APP, "App routed"))
        plan_file = os.path.join(self.dir, "plan.json")
        self.run_sync("plan", "--allow-routing-takeover", "--out", plan_file, code=0)
        with open(plan_file) as f:
            saved = json.load(f)
        self.assertEqual([a["routing_before"]["voice_url"] for a in saved["actions"]],
                         ["https://ops:***@ivr.example.com/night?x=1",
                          "https://ignored.example.com/"])
        # the plan was reviewed with the takeover, so it applies with it, flag or not
        self.assertTrue(saved["allow_routing_takeover"])
        p = self.run_sync("apply", plan_file, "--no-color", code=1)
        self.assertIn(f"  x routing  {APP}  imported, but Twilio still sends its calls to "
                      f"TwiML app {APP_SID}", p.stdout)
        self.assertEqual(self.snapshots()[NIGHT]["before_voice_url"], NIGHT_URL)
        self.run_sync("rollback", NIGHT, "--auto-approve", code=0)
        self.assertEqual(twilio_routing(self.emu, NIGHT)["voice_url"], NIGHT_URL)


class Check(CutoverCase):
    def test_an_emulator_that_does_not_repoint_fails_the_check(self):
        self.start(["--no-twilio-repoint"])
        self.map_numbers((IVR, "Support desk"), (PLAIN, "Plain"))
        p = self.run_sync("apply", "--auto-approve", "--no-color", code=1)
        self.assertIn(f"  x routing  {IVR}  imported, but Twilio still sends its calls to "
                      f"https://ivr.example.com/voice (POST) (XUNA is at {self.emu.url})\n",
                      p.stdout)
        self.assertIn(f"  x routing  {PLAIN}  imported, but Twilio still sends its calls to "
                      f"nothing (XUNA is at {self.emu.url})\n", p.stdout)
        self.assertEqual(set(self.emu.numbers()), {IVR, PLAIN})  # the imports themselves stand
        self.assertEqual(self.snapshots()[IVR]["has_after"], 0)
        checks = [a for a in self.actions() if a["detail"] == "cut-over check"]
        self.assertEqual(sorted(a["phone_number"] for a in checks), [IVR, PLAIN])

    def test_the_xuna_origin_is_configurable(self):
        public = "https://hooks.xuna.example"
        self.start(["--public-origin", public])
        self.map_numbers((IVR, "Support desk"), (PLAIN, "Plain"))
        # by default the API URL's origin: the emulator's address, where nothing points
        p = self.run_sync("apply", "--auto-approve", "--only", IVR, "--no-color", code=1)
        self.assertIn(f"  x routing  {IVR}  imported, but Twilio still sends its calls to "
                      f"{public}/twilio/inbound_call (POST) (XUNA is at {self.emu.url})", p.stdout)
        p = self.run_sync("apply", "--auto-approve", "--only", PLAIN,
                          "--xuna-webhook-origin", public + ":443", code=0)
        self.assertNotIn("x routing", p.stdout)
        self.assertEqual(self.snapshots()[PLAIN]["after_voice_url"], public + "/twilio/inbound_call")
        p = self.run_sync("plan", "--format", "json", env=self.env(XUNA_WEBHOOK_ORIGIN=public),
                          code=0)
        self.assertEqual(json.loads(p.stdout)["warnings"], [],
                         "with the right origin nothing is drift")


class Waves(CutoverCase):
    SUPPORT_A, SUPPORT_B = "+12125550101", "+12125550102"
    SALES_A, SALES_B = "+12125550201", "+12125550202"
    BILLING = ["+12125550301", "+12125550302", "+12125550303"]
    LIVE = "+15550001111"  # in XUNA already, with another agent than the mapping's

    def test_only_and_max_imports(self):
        numbers = [self.SUPPORT_A, self.SUPPORT_B, self.SALES_A, self.SALES_B, *self.BILLING]
        self.start(numbers=[{"phone_number": n, "voice_url": "https://ivr.example.com/voice"}
                            for n in numbers + [self.LIVE]],
                   existing=[{"phone_number_id": "phnum_live1", "phone_number": self.LIVE,
                              "label": "Live", "agent_id": None,
                              "twilio_account_sid": ACCOUNT_SID}])
        self.map_numbers((self.SUPPORT_A, "Support A"), (self.SUPPORT_B, "Support B"),
                         (self.SALES_A, "Sales A"), (self.SALES_B, "Sales B"),
                         (self.BILLING[0], "Billing A"), (self.BILLING[1], "Billing B"),
                         (self.BILLING[2], "Billing C"), (self.LIVE, "Live", "agent: support"))

        def wave(*args, expect, code=0):
            self.emu.clear_requests()
            p = self.run_sync("apply", "--auto-approve", "--no-color", *args, code=code)
            reqs = self.emu.requests()
            self.assertEqual(sorted(imports(reqs)), sorted(expect), p.stdout)
            self.assertEqual([r for r in reqs if r["method"] == "PATCH"], [])
            # one Twilio update per imported number: its probation fallback (issue 22)
            self.assertEqual([r["body"]["VoiceFallbackUrl"] for r in twilio_updates(reqs)],
                             ["https://ivr.example.com/voice"] * len(expect))
            return p

        p = self.run_sync("plan", "--no-color", "--only", "+1212555010*", code=0)
        self.assertIn("Plan: 2 to import, 0 to assign, 0 batches to submit; 0 unchanged, "
                      "0 unmanaged; 6 not selected (--only, --exclude).", p.stdout)
        wave("--only", "+1212555010*", expect=[self.SUPPORT_A, self.SUPPORT_B])
        wave("--only", "label:Sales*", expect=[self.SALES_A, self.SALES_B])
        p = wave("--only", "label:Billing*", "--max-imports", "2", expect=self.BILLING[:2])
        self.assertIn("1 deferred (--max-imports)", p.stdout)
        self.assertIn(f'+ import  {self.BILLING[0]}', p.stdout)
        self.assertNotIn(self.BILLING[2], p.stdout)
        p = self.run_sync("plan", "--max-imports", "2", "--format", "json", code=0)
        summary = json.loads(p.stdout)["summary"]
        self.assertEqual((summary["import"], summary["assign"], summary["deferred"]), (1, 1, 0))
        # the rest, with the live number's assignment the waves left alone
        self.emu.clear_requests()
        self.run_sync("apply", "--auto-approve", "--max-imports", "2", code=0)
        reqs = self.emu.requests()
        self.assertEqual(imports(reqs), [self.BILLING[2]])
        self.assertEqual([r["path"] for r in reqs if r["method"] == "PATCH"],
                         ["/v1/convai/phone-numbers/phnum_live1"])
        self.assertEqual(sorted(self.snapshots()), sorted(numbers))
        self.assertEqual(self.emu.numbers()[self.LIVE]["agent_id"], SUPPORT)


class Problems(CutoverCase):
    def test_unknown_and_unsnapshotted_numbers_do_not_stop_the_others(self):
        self.start()
        self.map_numbers((IVR, "Support desk"), (PLAIN, "Plain"))
        self.run_sync("apply", "--auto-approve", "--only", IVR, code=0)
        p = self.run_sync("rollback", "+19995550100", PLAIN, IVR, "--auto-approve", "--no-color",
                          code=1)
        self.assertIn("  x error    +19995550100  no routing snapshot of +19995550100 in this "
                      "state (was it imported by xuna-sync?)\n", p.stdout)
        self.assertIn(f"  x error    {PLAIN}  no routing snapshot of {PLAIN}", p.stdout)
        self.assertIn(f"  ok  {IVR}  calls go to https://ivr.example.com/voice (POST)\n", p.stdout)
        self.assertIn("Done: 1 ok, 2 not.", p.stdout)
        self.assertRouting(IVR, IVR_ROUTING)
        p = self.run_sync("rollback", "not-a-number", "--auto-approve", code=3)
        self.assertIn("'not-a-number' is not an E.164 number", p.stderr)
        p = self.run_sync("rollback", "--auto-approve", code=3)
        p = self.run_sync("rollback", IVR, "--all", "--auto-approve", code=3)

    def test_a_locked_state_or_an_account_gone_from_the_mapping(self):
        self.start()
        self.map_numbers((IVR, "Support desk"), (PLAIN, "Plain"))
        self.run_sync("apply", "--auto-approve", code=0)
        state = os.path.join(self.dir, "state", "state.db")
        plant_lock(state, 4242, "build-7.example")
        self.emu.clear_requests()
        p = self.run_sync("rollback", "--all", "--auto-approve", code=4)
        self.assertIn("pid 4242 on build-7.example", p.stderr)
        self.assertEqual(twilio_updates(self.emu.requests()), [])
        self.run_sync("state", "unlock", "--force", code=0)
        # the mapping no longer names the account the snapshots were taken in
        path = os.path.join(self.dir, "mappings", "main.yaml")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("  main:", "  other:").replace("account: main", "account: other"))
        p = self.run_sync("rollback", IVR, "--auto-approve", "--no-color", code=1)
        self.assertIn(f"  x error    {IVR}  its Twilio account 'main' is not in the mapping\n",
                      p.stdout)
        self.assertEqual(twilio_updates(self.emu.requests()), [])

    def test_twilio_refusing_the_update_is_reported(self):
        both = "+12125550106"  # an application and a trunk: a state Twilio's update refuses
        numbers = self.twilio_numbers() + [{"phone_number": both, "voice_application_sid": APP_SID,
                                            "trunk_sid": TRUNK_SID}]
        self.start(numbers=numbers)
        self.map_numbers((IVR, "Support desk"), (both, "Both"))
        self.run_sync("apply", "--auto-approve", "--allow-routing-takeover", code=1)
        p = self.run_sync("rollback", both, IVR, "--auto-approve", "--format", "json", code=1)
        report = {n["phone_number"]: n for n in json.loads(p.stdout)["numbers"]}
        self.assertEqual(report[IVR]["outcome"], "ok")
        self.assertEqual(report[both]["outcome"], "failed")
        self.assertIn("Twilio refused the update", report[both]["error"])
        self.assertIn("21220", report[both]["error"])
        self.assertRouting(IVR, IVR_ROUTING)
        failed = [a for a in self.actions("rollback") if a["outcome"] == "failed"]
        self.assertEqual([a["phone_number"] for a in failed], [both])

    def test_a_number_gone_from_the_twilio_account_is_reported_not_guessed(self):
        self.start()
        self.map_numbers((IVR, "Support desk"), (PLAIN, "Plain"), (NIGHT, "Night shift"))
        self.run_sync("apply", "--auto-approve", code=0)
        # the same account elsewhere: PLAIN released, NIGHT released and bought again
        fx = self.fixture(owned=[])
        fx["twilio_accounts"][0]["numbers"] = [
            # routed as the cut-over left it (a rollback compares before it sets)
            {"phone_number": IVR, "sid": twilio_routing(self.emu, IVR)["sid"], **self.at_xuna()},
            {"phone_number": NIGHT, "sid": "PN" + "9" * 32, "voice_url": self.inbound}]
        later = self.start_emulator(fx)
        p = self.sync("rollback", "--all", "--auto-approve", "--no-color",
                      "--api-url", self.emu.url, "--twilio-api-url", later.url)
        self.assertExit(p, 1)
        self.assertIn(f"  x error    {PLAIN}  Twilio account 'main' no longer has this number "
                      "(released, or moved to another account?)\n", p.stdout)
        self.assertIn(f"  x error    {NIGHT}  Twilio lists it as PN{'9' * 32}, the snapshot was "
                      "taken of PN", p.stdout)
        self.assertIn(f"  ok  {IVR}  calls go to https://ivr.example.com/voice (POST)", p.stdout)
        self.assertEqual(len(twilio_updates(later.requests())), 1)
        self.assertEqual(twilio_routing(later, IVR)["voice_url"], "https://ivr.example.com/voice")


class Secrets(CutoverCase):
    def test_a_webhook_password_stays_in_the_state(self):
        fallback = f"https://ops:{PASSWORD}-fb@fallback.example.com/f"
        callback = f"https://cb:{PASSWORD}-cb@status.example.com/cb"
        numbers = [{"phone_number": NIGHT, "voice_url": NIGHT_URL, "voice_fallback_url": fallback,
                    "status_callback": callback},
                   {"phone_number": PLAIN}]
        self.start(["--no-twilio-repoint"], numbers=numbers)
        self.map_numbers((NIGHT, "Night shift"), (PLAIN, "Plain"))
        plan_file = os.path.join(self.dir, "plan.json")
        metrics = os.path.join(self.dir, "metrics.prom")
        self.run_sync("plan", "--out", plan_file, "--verbose", code=0)
        self.run_sync("plan", "--format", "json", "--log-format", "json", "--verbose", code=0)
        # not re-pointed: the check names where calls go, password masked
        p = self.run_sync("apply", "--auto-approve", "--verbose", "--metrics-file", metrics,
                          code=1)
        self.assertIn("https://ops:***@ivr.example.com/night?x=1 (POST)", p.stdout)
        self.run_sync("apply", "--auto-approve", "--format", "json", "--log-format", "json",
                      "--verbose", code=0)
        self.run_sync("plan", "--verbose", "--metrics-file", metrics, code=0)
        set_twilio_routing(self.emu, NIGHT, voice_url=self.inbound)
        self.run_sync("rollback", "--all", "--auto-approve", "--verbose", code=0)
        self.assertEqual(twilio_routing(self.emu, NIGHT)["voice_url"], NIGHT_URL)
        self.run_sync("rollback", "--all", "--auto-approve", "--format", "json",
                      "--log-format", "json", "--verbose", code=0)
        self.run_sync("plan", "--format", "json", code=0)
        self.run_sync("history", "--format", "json", code=0)
        self.run_sync("history", code=0)
        self.run_sync("state", "show", code=0)

        snap = self.snapshots()[NIGHT]
        self.assertEqual((snap["before_voice_url"], snap["before_voice_fallback_url"],
                          snap["before_status_callback"]), (NIGHT_URL, fallback, callback))
        state_path = os.path.join(self.dir, "state", "state.db")
        self.assertEqual(stat.S_IMODE(os.stat(state_path).st_mode), 0o600)
        blobs = list(self.outputs)
        for path in (plan_file, metrics):
            with open(path) as f:
                blobs.append(f.read())
        with sqlite3.connect(state_path) as db:  # the journal: actions and runs
            for table in ("actions", "runs"):
                blobs += [json.dumps(row) for row in db.execute(f"SELECT * FROM {table}")]
        blobs.append(json.dumps(self.emu.requests()))
        self.assertGreater(len(blobs), 20)
        for blob in blobs:
            self.assertNotIn(PASSWORD, blob)
        self.assertIn("ops:***@ivr.example.com", "".join(self.outputs))
        for secret in (self.api_key, self.twilio_token):
            for blob in blobs:
                self.assertNotIn(secret, blob)


if __name__ == "__main__":
    main()

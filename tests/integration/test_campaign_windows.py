"""Campaign windows, time zones, do-not-call lists and recipient checks, through the real
binaries and the emulator on the real clock: every window is computed from now in Python
(zoneinfo), far enough from its edges that a slow run does not cross one."""
import datetime
import json
import os
import sqlite3
import sys
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from harness import SUPPORT, Case, main  # noqa: E402

FROM = "+12125550100"
NUMBERS = f"""  - phone_number: "{FROM}"
    label: Outbound
"""


def rfc3339(t):
    """An instant as RFC 3339 with its offset, to the second."""
    return t.replace(microsecond=0).isoformat()


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


class CampaignWindows(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator(self.fixture(owned=[FROM]))

    def campaign(self, body, top=""):
        """The mapping: FROM, a campaign 'renewals' from it (body: its keys after from:, and
        its calls), and extra top-level keys."""
        return self.mapping(NUMBERS + top + f"""batch_calls:
  - name: renewals
    agent: support
    from: "{FROM}"
{body}""")

    def batch_posts(self):
        return [r for r in self.emu.requests()
                if r["path"].endswith("/batch-calls") and r["method"] == "POST"]

    def sent(self):
        """The numbers of every batch request the emulator received, per request."""
        return [[c["to_phone_number"] for c in b["body"]["calls"]]
                for b in self.emu._admin("GET", "/_emulator/batches")]

    def chunks(self, state=None):
        """The ledger rows of 'renewals': (recipient, status), by recipient."""
        path = state or os.path.join(self.dir, "state", "state.db")
        with sqlite3.connect(path) as db:
            return db.execute("SELECT recipient, status FROM campaign_calls WHERE campaign = "
                              "'renewals' ORDER BY recipient").fetchall()

    def apply(self, *args, env=None):
        return self.sync("apply", "--auto-approve", *args, emulator=self.emu, env=env)

    # --- windows ----------------------------------------------------------------------------
    def test_an_expired_campaign_is_never_sent_not_from_a_new_state_nor_with_resubmit(self):
        self.campaign(f"""    not_after: "{rfc3339(now_utc() - datetime.timedelta(days=1))}"
    calls:
      - to: "+12125550101"
      - to: "+12125550102"
""")
        p = self.sync("plan", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("expired at ", p.stdout + p.stderr)
        self.assertIn(", never sent", p.stdout + p.stderr)
        self.assertIn("0 batches to submit", p.stdout)
        self.assertExit(self.apply(), 0)  # imports the from number, sends nothing
        self.assertEqual(self.batch_posts(), [])
        self.assertEqual(self.chunks(), [("+12125550101", "expired"), ("+12125550102", "expired")])
        self.assertExit(self.apply("--resubmit", "renewals"), 0)
        self.assertEqual(self.batch_posts(), [])

        # a new state, with the from number already in XUNA: still expired, not "unknown"
        fresh = self.env(XUNA_SYNC_STATE=os.path.join(self.dir, "fresh", "state.db"))
        p = self.sync("plan", "--detailed-exitcode", emulator=self.emu, env=fresh)
        self.assertExit(p, 0)
        self.assertIn("expired at ", p.stdout + p.stderr)
        self.assertIn(", never sent", p.stdout + p.stderr)
        self.assertNotIn("recorded as unknown", p.stdout + p.stderr)
        for args in ((), ("--resubmit", "renewals")):
            self.assertExit(self.apply(*args, env=fresh), 0)
        self.assertEqual(self.batch_posts(), [])
        self.assertNoSecrets()

    def test_a_campaign_before_not_before_waits_and_apply_succeeds_without_sending(self):
        start = now_utc() + datetime.timedelta(days=2)
        self.campaign(f"""    not_before: "{rfc3339(start.astimezone(ZoneInfo('America/New_York')))}"
    calls:
      - to: "+12125550101"
""")
        p = self.sync("plan", "--detailed-exitcode", emulator=self.emu)
        self.assertExit(p, 2)  # the import of the from number is pending
        self.assertIn("waiting until " + start.strftime("%Y-%m-%d %H:%M UTC"), p.stdout + p.stderr)
        self.assertIn("0 batches to submit", p.stdout)
        a = self.apply()
        self.assertExit(a, 0)
        self.assertIn("waiting until", a.stdout + a.stderr)
        self.assertEqual(self.batch_posts(), [])
        self.assertEqual(self.chunks(), [])
        # a run with nothing else to do is still a success, and no pending change
        a = self.apply()
        self.assertExit(a, 0)
        p = self.sync("plan", "--detailed-exitcode", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(self.batch_posts(), [])

    def test_calling_hours_send_the_open_zone_and_keep_the_closed_one_waiting(self):
        # hours from an hour ago to an hour ahead in New York; in Tokyo (13 or 14 hours ahead)
        # the same local hours are far away
        ny = now_utc().astimezone(ZoneInfo("America/New_York"))
        opens = (ny - datetime.timedelta(hours=1)).strftime("%H:%M")
        closes = (ny + datetime.timedelta(hours=1)).strftime("%H:%M")
        self.campaign(f"""    calling_hours: {{from: "{opens}", to: "{closes}", timezone: America/New_York}}
    calls:
      - to: "+12125550101"
      - to: "+12125550102"
        timezone: Asia/Tokyo
      - to: "+12125550103"
""")
        p = self.sync("plan", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("  + batch   renewals  2 calls from " + FROM, p.stdout)
        self.assertIn("1 recipient in Asia/Tokyo waiting until", p.stdout + p.stderr)
        self.assertExit(self.apply(), 0)
        self.assertEqual(self.sent(), [["+12125550101", "+12125550103"]])
        # Tokyo's recipient has no entry yet: it is dialled when its window opens
        self.assertEqual(self.chunks(), [("+12125550101", "sent"), ("+12125550103", "sent")])
        # the next run sends nothing: New York is done, Tokyo still waits
        p = self.sync("plan", emulator=self.emu)
        self.assertIn("0 batches to submit", p.stdout)
        self.assertIn("waiting until", p.stdout + p.stderr)
        self.assertExit(self.apply(), 0)
        self.assertEqual(len(self.batch_posts()), 1)

    # --- do-not-call lists ------------------------------------------------------------------
    SUPPRESSED = """    calls:
      - to: "+12125550101"
      - to: "+12125550102"
      - to: "+12125550103"
"""

    def test_a_suppressed_recipient_is_never_sent_and_counted(self):
        self.write("mappings/dnc.csv", "name,phone_number\nMaria,+12125550102\n")
        self.campaign(self.SUPPRESSED, top="suppress:\n  - dnc.csv\n")
        p = self.sync("plan", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("  + batch   renewals  2 calls from " + FROM, p.stdout)
        self.assertIn("(1 suppressed)", p.stdout)
        p = self.sync("plan", "--format", "json", emulator=self.emu)
        self.assertExit(p, 0)
        batches = [a for a in json.loads(p.stdout)["actions"] if a.get("action") == "batch"]
        self.assertEqual(len(batches), 1, p.stdout)
        self.assertEqual(batches[0]["suppressed"], 1)
        self.assertEqual(batches[0]["calls"], 2)

        a = self.apply("--format", "json")
        self.assertExit(a, 0)
        done = [r for r in json.loads(a.stdout)["actions"] if r["action"] == "batch"]
        self.assertEqual(len(done), 1, a.stdout)
        self.assertEqual(done[0]["outcome"], "ok")
        self.assertEqual(done[0]["suppressed"], 1)
        self.assertEqual(done[0]["calls_initiated"], 2)
        self.assertIn("1 suppressed", done[0]["note"])
        self.assertEqual(self.sent(), [["+12125550101", "+12125550103"]])
        self.assertNotIn("+12125550102", json.dumps(self.emu.requests()))
        self.assertEqual(self.chunks(), [("+12125550101", "sent"), ("+12125550102", "suppressed"),
                                         ("+12125550103", "sent")])
        self.assertNoSecrets()

    def test_apply_text_counts_the_suppressed(self):
        self.write("mappings/dnc.txt", "+12125550101\n")
        self.campaign(self.SUPPRESSED, top="suppress:\n  - dnc.txt\n")
        a = self.apply()
        self.assertExit(a, 0)
        self.assertIn("1 suppressed", a.stdout)
        self.assertEqual(self.sent(), [["+12125550102", "+12125550103"]])

    def test_suppressed_recipients_are_left_out_before_the_requests_are_cut(self):
        self.write("mappings/dnc.txt", "+12125550101\n+12125550102\n")
        self.campaign(self.SUPPRESSED, top="suppress:\n  - dnc.txt\n")
        a = self.apply("--batch-chunk", "2")
        self.assertExit(a, 0)
        self.assertIn("2 suppressed", a.stdout)
        self.assertEqual(self.sent(), [["+12125550103"]])  # one request: nobody else is due
        self.assertEqual(self.chunks(), [("+12125550101", "suppressed"),
                                         ("+12125550102", "suppressed"), ("+12125550103", "sent")])
        p = self.sync("plan", "--batch-chunk", "2", emulator=self.emu)
        self.assertIn("0 batches to submit", p.stdout)

    def test_a_suppression_file_gone_between_plan_and_apply_refuses_the_saved_plan(self):
        dnc = self.write("mappings/dnc.csv", "phone_number\n+12125550102\n")
        self.campaign(self.SUPPRESSED, top="suppress:\n  - dnc.csv\n")
        self.assertExit(self.apply(), 0)  # the from number first; the campaign goes with it
        self.campaign(self.SUPPRESSED.replace("0103", "0104"), top="suppress:\n  - dnc.csv\n")
        with open(os.path.join(self.dir, "mappings", "main.yaml")) as f:
            text = f.read()
        self.write("mappings/main.yaml", text.replace("name: renewals", "name: renewals-2"))
        posts = len(self.batch_posts())
        plan_path = os.path.join(self.dir, "plan.json")
        p = self.sync("plan", "--out", plan_path, emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("renewals-2", p.stdout)
        os.remove(dnc)
        a = self.sync("apply", "--auto-approve", plan_path, emulator=self.emu)
        self.assertExit(a, 3)
        self.assertIn("dnc.csv", a.stderr)
        self.assertEqual(len(self.batch_posts()), posts)

    # --- bad input --------------------------------------------------------------------------
    def test_an_unknown_time_zone_is_a_validation_error_at_its_place(self):
        m = self.campaign("""    calling_hours: {from: "09:00", to: "20:00", timezone: America/New_Yrok}
    calls:
      - to: "+12125550101"
""")
        p = self.sync("validate", "-f", m)
        self.assertExit(p, 3)
        # the header and numbers take 14 lines; calling_hours is on line 19
        self.assertRegex(p.stderr, r"main\.yaml:19:\d+: .*America/New_Yrok")
        self.assertEqual(self.batch_posts(), [])

    def test_the_same_recipient_twice_is_an_error_naming_both_places(self):
        self.write("mappings/calls.csv", "to\n+12125550101\n")
        m = self.campaign("""    calls_csv: calls.csv
    calls:
      - to: "+12125550101"
""")
        p = self.sync("validate", "-f", m)
        self.assertExit(p, 3)
        self.assertIn("+12125550101", p.stderr)
        self.assertRegex(p.stderr, r"calls\.csv:2:\d+")
        self.assertRegex(p.stderr, r"main\.yaml:21:\d+")
        a = self.apply()
        self.assertExit(a, 3)
        self.assertEqual(self.emu.writes(), [])

    def test_default_region_turns_national_numbers_into_e164(self):
        self.write("mappings/calls.csv", "name,to\nJohn,(212) 555-0123\n")
        self.campaign("    calls_csv: calls.csv\n", top="default_region: US\n")
        p = self.sync("validate")
        self.assertExit(p, 0)
        self.assertEqual(p.stderr, "")
        self.assertExit(self.apply(), 0)
        self.assertEqual(self.sent(), [["+12125550123"]])


if __name__ == "__main__":
    main()

"""Each person is dialled at most once, whatever is edited between runs: the per-recipient
campaign ledger, through the real binaries and an emulator that does NOT honour
Idempotency-Key (a server that ignores it must not be our safety net). Every assertion counts
dials per recipient at the server (GET /_emulator/dials)."""
import csv
import datetime
import io
import json
import os
import sys
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from harness import Case, main  # noqa: E402

FROM = "+12125550100"


def hour_in(zone):
    return datetime.datetime.now(ZoneInfo(zone)).hour


def calls_yaml(numbers, message=None, zone=None):
    out = ""
    for n in numbers:
        out += f'      - to: "{n}"\n'
        if message:
            out += f'        first_message: "{message}"\n'
        if zone:
            out += f'        timezone: "{zone}"\n'
    return out


class Ledger(Case):
    emulator_args = ("--no-idempotency",)

    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator(self.fixture(owned=[FROM]), extra_args=self.emulator_args)

    def campaign(self, calls, name="renewals", extra="", top=""):
        return self.mapping(f"""  - phone_number: "{FROM}"
    label: Outbound
{top}batch_calls:
  - name: {name}
    agent: support
    from: "{FROM}"
{extra}    calls:
{calls}""")

    def apply(self, *args):
        return self.sync("apply", "--auto-approve", *args, emulator=self.emu)

    def dials(self):
        return self.emu._admin("GET", "/_emulator/dials")

    def batch_posts(self):
        return [r for r in self.emu.requests()
                if r["path"].endswith("/batch-calls") and r["method"] == "POST"]

    def assertDialledOnce(self, numbers):
        d = self.dials()
        twice = {n: c for n, c in d.items() if c > 1}
        self.assertEqual(twice, {}, "dialled more than once")
        self.assertEqual(sorted(n for n in d if n in numbers), sorted(numbers), "dialled once each")

    # --- chunk size ----------------------------------------------------------------------
    def test_a_smaller_chunk_size_on_the_next_run_dials_nobody_again(self):
        numbers = [f"+1212555010{i}" for i in range(1, 5)]
        self.campaign(calls_yaml(numbers))
        self.assertExit(self.apply(), 0)
        self.assertEqual(len(self.batch_posts()), 1)
        p = self.apply("--batch-chunk", "2")
        self.assertExit(p, 0)
        self.assertEqual(len(self.batch_posts()), 1, p.stdout + p.stderr)
        self.assertDialledOnce(numbers)

    def test_small_chunks_first_then_large_ones_dial_the_rest_once(self):
        numbers = [f"+1212555010{i}" for i in range(1, 6)]
        self.campaign(calls_yaml(numbers), extra="    max_calls_per_run: 2\n")
        self.assertExit(self.apply("--batch-chunk", "1"), 0)
        self.assertEqual(len(self.batch_posts()), 2)
        p = self.sync("plan", emulator=self.emu)
        self.assertIn("waiting", p.stdout + p.stderr)
        self.campaign(calls_yaml(numbers))  # the cap lifted, and the default chunk size
        self.assertExit(self.apply(), 0)
        self.assertDialledOnce(numbers)
        self.assertExit(self.apply("--batch-chunk", "3"), 0)
        self.assertDialledOnce(numbers)

    # --- zones ---------------------------------------------------------------------------
    def test_editing_the_campaign_zone_dials_nobody_twice_and_skips_nobody(self):
        h = hour_in("America/Los_Angeles")
        frm, to = (h - 1) % 24, (h + 2) % 24
        inside = lambda zone: (hour_in(zone) - frm) % 24 < (to - frm) % 24  # noqa: E731
        if not inside("America/Los_Angeles") or inside("America/New_York") or \
                not inside("America/Anchorage"):
            self.skipTest("zone offsets this test relies on do not hold today")
        la = ["+12125550111", "+12125550112"]
        ny = ["+12125550121", "+12125550122"]

        def write(zone):
            self.campaign(calls_yaml(la, zone="America/Los_Angeles") + calls_yaml(ny),
                          extra=f'    calling_hours: {{from: "{frm:02d}:00", to: "{to:02d}:00", '
                                f'timezone: "{zone}"}}\n')
        write("America/New_York")
        self.assertExit(self.apply(), 0)
        self.assertDialledOnce(la)
        write("America/Anchorage")  # the recipients without a zone of their own move
        self.assertExit(self.apply(), 0)
        self.assertDialledOnce(la + ny)

    # --- answers -------------------------------------------------------------------------
    def test_inline_calls_moved_to_a_csv_file_are_not_dialled_again(self):
        numbers = ["+12125550131", "+12125550132", "+12125550133"]
        self.campaign(calls_yaml(numbers, message="Hi"))
        self.assertExit(self.apply(), 0)
        self.write("mappings/people.csv", "to\n" + "".join(n + "\n" for n in numbers))
        self.campaign("", extra='    calls_csv: people.csv\n    first_message: "Hi"\n')
        self.campaign_csv_fix()
        p = self.apply("--batch-chunk", "1")
        self.assertExit(p, 0)
        self.assertEqual(len(self.batch_posts()), 1, p.stdout)
        self.assertDialledOnce(numbers)

    def campaign_csv_fix(self):
        """calls_csv replaces calls: drop the empty calls key the helper wrote."""
        path = os.path.join(self.dir, "mappings/main.yaml")
        with open(path) as f:
            text = f.read().replace("    calls:\n", "")
        with open(path, "w") as f:
            f.write(text)

    def test_recipients_added_are_dialled_and_removed_ones_never(self):
        first = ["+12125550141", "+12125550142"]
        self.campaign(calls_yaml(first))
        self.assertExit(self.apply(), 0)
        later = ["+12125550143", "+12125550144"]
        self.campaign(calls_yaml(first[:1] + later))
        self.assertExit(self.apply(), 0)
        self.assertDialledOnce(first + later)
        self.assertEqual(len(self.batch_posts()), 2)
        self.assertEqual(sorted(c["to_phone_number"] for c in self.batch_posts()[1]["body"]["calls"]),
                         later)

    def test_a_changed_message_leaves_the_dialled_alone_and_sends_the_rest_anew(self):
        numbers = ["+12125550151", "+12125550152", "+12125550153"]
        self.campaign(calls_yaml(numbers[:2], message="Hi"), extra="")
        self.assertExit(self.apply(), 0)
        self.campaign(calls_yaml(numbers, message="Hello again"))
        p = self.sync("plan", emulator=self.emu)
        self.assertIn("content changed after 2 were dialled", p.stdout + p.stderr)
        self.assertExit(self.apply(), 0)
        self.assertDialledOnce(numbers)
        last = self.batch_posts()[-1]["body"]["calls"]
        self.assertEqual([c["to_phone_number"] for c in last], numbers[2:])
        self.assertEqual(last[0]["conversation_config_override"]["agent"]["first_message"],
                         "Hello again")

    def test_a_campaign_renamed_after_it_was_dialled_is_held_back(self):
        numbers = ["+12125550161", "+12125550162"]
        self.campaign(calls_yaml(numbers, message="Hi"))
        self.assertExit(self.apply(), 0)
        self.campaign(calls_yaml(numbers, message="Hi"), name="renewals-v2")
        p = self.apply()
        self.assertIn("already sent as campaign 'renewals'", p.stdout + p.stderr)
        self.assertDialledOnce(numbers)

    def test_a_clear_refusal_is_failed_and_sent_again_on_a_later_run(self):
        numbers = ["+12125550171", "+12125550172"]
        self.mapping(f"""  - phone_number: "{FROM}"
    label: Outbound
batch_calls:
  - name: renewals
    agent: agent_0000k5zvyjhmfg983brhmhkd0000
    from: "{FROM}"
    calls:
{calls_yaml(numbers)}""")
        p = self.apply()
        self.assertExit(p, 1)
        self.assertEqual(self.dials(), {})
        self.campaign(calls_yaml(numbers))  # the agent fixed
        self.assertExit(self.apply(), 0)
        self.assertDialledOnce(numbers)

    def test_apply_json_counts_each_campaign_per_recipient(self):
        numbers = ["+12125550191", "+12125550192"]
        self.campaign(calls_yaml(numbers))
        p = self.apply("--format", "json")
        self.assertExit(p, 0)
        c = json.loads(p.stdout)["campaigns"]
        self.assertEqual([(x["name"], x["to_dial"], x["dialled"]) for x in c], [("renewals", 2, 0)])
        c = json.loads(self.apply("--format", "json").stdout)["campaigns"]
        self.assertEqual([(x["name"], x["to_dial"], x["dialled"]) for x in c], [("renewals", 0, 2)])

    def test_history_prints_the_ledger_one_row_per_recipient(self):
        numbers = ["+12125550181", "+12125550182", "+12125550183"]
        self.write("mappings/dnc.txt", numbers[2] + "\n")
        self.campaign(calls_yaml(numbers), top="suppress: [dnc.txt]\n")
        self.assertExit(self.apply(), 0)
        p = self.sync("history", "--campaign", "renewals", "--format", "csv")
        self.assertExit(p, 0)
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        by = {r["number"]: r for r in rows}
        self.assertEqual(sorted(by), numbers)
        self.assertEqual(by[numbers[0]]["status"], "sent")
        self.assertTrue(by[numbers[0]]["batch_id"].startswith("batch_"))
        self.assertEqual(by[numbers[2]]["status"], "suppressed")
        j = json.loads(self.sync("history", "--campaign", "renewals", "--format", "json").stdout)
        self.assertEqual({r["number"]: r["status"] for r in j["calls"]},
                         {numbers[0]: "sent", numbers[1]: "sent", numbers[2]: "suppressed"})
        self.assertEqual(self.sync("history", "--campaign", "nope", "--format", "csv").returncode, 3)


class Unreadable(Case):
    """A 2xx the tool cannot read, or a 5xx after the server acted: the outcome is unknown,
    never sent again without --resubmit, which sends exactly those recipients with their keys."""

    def run_mode(self, mode, code_first=1, said=None):
        emu = self.start_emulator(self.fixture(owned=[FROM]),
                                  extra_args=("--no-idempotency", "--batch-answer", mode))
        numbers = ["+12125550191", "+12125550192", "+12125550193"]
        self.mapping(f"""  - phone_number: "{FROM}"
    label: Outbound
batch_calls:
  - name: renewals
    agent: support
    from: "{FROM}"
    calls:
{calls_yaml(numbers)}""")
        apply = lambda *a: self.sync("apply", "--auto-approve", *a, emulator=emu)  # noqa: E731
        p = apply()
        self.assertExit(p, code_first)
        if said:
            self.assertIn(said, p.stdout + p.stderr)
        for _ in range(2):
            apply()
        dials = emu._admin("GET", "/_emulator/dials")
        self.assertEqual(dials, {n: 1 for n in numbers}, mode)
        return emu, apply, numbers

    def test_every_unreadable_answer_is_unknown_and_never_resent_by_itself(self):
        for mode in ("empty", "id-only", "text", "error"):
            with self.subTest(mode=mode):
                emu, apply, numbers = self.run_mode(mode)
                p = self.sync("plan", "--detailed-exitcode", emulator=emu)
                self.assertExit(p, 2)
                self.assertIn("outcome unknown for 3 recipients", p.stdout + p.stderr)
                emu.stop()
                self.emulators.remove(emu)
                os.remove(os.path.join(self.dir, "state", "state.db"))

    def test_resubmit_sends_exactly_the_unknown_recipients_with_their_first_key(self):
        emu, apply, numbers = self.run_mode("empty")
        first_key = [r["idempotency_key"] for r in emu.requests()
                     if r["path"].endswith("/batch-calls")][0]
        emu._admin("POST", "/_emulator/faults", {"batch_answer": "json"})
        p = apply("--resubmit", "renewals")
        self.assertExit(p, 0)
        posts = [r for r in emu.requests() if r["path"].endswith("/batch-calls")]
        self.assertEqual(len(posts), 2)
        self.assertEqual(posts[1]["idempotency_key"], first_key)
        self.assertEqual(sorted(c["to_phone_number"] for c in posts[1]["body"]["calls"]), numbers)
        self.assertExit(apply("--resubmit", "renewals"), 0)  # nothing unknown is left
        self.assertEqual(len([r for r in emu.requests() if r["path"].endswith("/batch-calls")]), 2)

    def test_fewer_calls_initiated_than_sent_warns_and_stays_sent(self):
        emu, apply, numbers = self.run_mode("short", code_first=0,
                                            said="only 2 of 3 calls initiated")
        self.assertExit(apply(), 0)
        self.assertEqual(emu._admin("GET", "/_emulator/dials"), {n: 1 for n in numbers})

if __name__ == "__main__":
    main()

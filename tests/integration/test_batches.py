"""Batch-call campaigns against the emulator: sent once, overrides intact, unknowns not resent."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import SALES, Case, Proxy, main  # noqa: E402

NUMBERS = """  - phone_number: "+15551234568"
    label: Sales Line
    agent: sales
"""

CAMPAIGN = """batch_calls:
  - name: renewals-2026-11
    agent: sales
    from: "+15551234568"
    calls:
      - to: "+15559876543"
        first_message: "Hi, this is a follow-up call for John."
      - to: "+15557654321"
        conversation_config_override: {agent: {first_message: "Hi Maria.", language: fr}, tts: {speed: 1.2}}
"""


class DropBatchProxy(Proxy):
    """Forwards everything to the emulator, but after forwarding the first batch-call request
    it closes the client's connection without an answer: the commit-then-drop case, for batch
    requests only. (State is per API URL, so every run of a test goes through the proxy.)"""

    def __init__(self, upstream_port):
        self.dropped = 0
        super().__init__(upstream_port, self.answer)

    def answer(self, request, forward):
        reply = forward()
        if request.path.endswith("/batch-calls") and request.command == "POST" and not self.dropped:
            self.dropped += 1
            return None
        return reply


class Batches(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator()
        self.mapping(NUMBERS + CAMPAIGN)  # batch_calls: follows numbers: as a top-level key

    def batches(self):
        return self.emu._admin("GET", "/_emulator/batches")

    def test_three_applies_send_one_batch_from_a_number_imported_in_the_same_run(self):
        p = self.sync("plan", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn(f"  + batch   renewals-2026-11  2 calls from +15551234568  via {SALES} (sales)",
                      p.stdout)
        self.assertIn("1 batch to submit", p.stdout)
        for _ in range(3):
            self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        sent = self.batches()
        self.assertEqual(len(sent), 1)
        body = sent[0]["body"]
        self.assertEqual(body["from_phone_number_id"],
                         self.emu.numbers()["+15551234568"]["phone_number_id"])
        self.assertEqual(body["agent_id"], SALES)
        self.assertEqual(body["calls"], [
            {"to_phone_number": "+15559876543", "conversation_config_override":
                {"agent": {"first_message": "Hi, this is a follow-up call for John."}}},
            {"to_phone_number": "+15557654321", "conversation_config_override":
                {"agent": {"first_message": "Hi Maria.", "language": "fr"}, "tts": {"speed": 1.2}}},
        ])
        posts = [r for r in self.emu.requests() if r["path"].endswith("/batch-calls")]
        self.assertEqual(len(posts), 1)
        p = self.sync("plan", emulator=self.emu)
        self.assertIn("0 batches to submit", p.stdout)
        self.assertNoSecrets()

    def test_a_recipient_added_after_sending_is_dialled_alone(self):
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.mapping(NUMBERS + CAMPAIGN + """      - to: "+15550000007"
""")
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("= campaign renewals-2026-11  1 to dial now; 2 dialled", p.stdout)
        self.assertEqual(len(self.batches()), 2)
        self.assertEqual([c["to_phone_number"] for c in self.batches()[1]["body"]["calls"]],
                         ["+15550000007"])

    def test_a_dropped_answer_makes_the_campaign_unknown_until_resubmit(self):
        proxy = DropBatchProxy(self.emu.port)
        self.addCleanup(proxy.stop)
        via = ["--api-url", proxy.url, "--twilio-api-url", self.emu.url, "--timeout", "5"]
        p = self.sync("apply", "--auto-approve", *via)
        self.assertExit(p, 1)
        self.assertIn("outcome unknown", p.stdout)
        self.assertEqual(proxy.dropped, 1)
        self.assertEqual(len(self.batches()), 1)  # it did arrive

        p = self.sync("plan", "--detailed-exitcode", *via)
        self.assertIn("apply --resubmit renewals-2026-11", p.stdout)
        self.assertIn("0 batches to submit", p.stdout)
        self.assertExit(p, 2)  # an unknown campaign is a pending change
        # apply says so (exit 1) while it stays unknown, and does not resend it
        self.assertExit(self.sync("apply", "--auto-approve", *via), 1)
        self.assertEqual(len(self.batches()), 1)  # not resent automatically

        # --resubmit sends it again with the same idempotency key: this emulator honours the
        # key, so it answers with the first batch instead of dialling twice, and the
        # campaign's outcome is known at last.
        p = self.sync("apply", "--auto-approve", "--resubmit", "renewals-2026-11", *via)
        self.assertExit(p, 0)
        self.assertIn("+ submitted renewals-2026-11  " + self.batches()[0]["batch_id"], p.stdout)
        posts = [r for r in self.emu.requests()
                 if r["path"].endswith("/batch-calls") and r["method"] == "POST"]
        self.assertEqual(len(posts), 2)
        self.assertEqual(posts[0]["idempotency_key"], posts[1]["idempotency_key"])
        self.assertEqual(len(self.batches()), 1)
        p = self.sync("plan", *via)
        self.assertNotIn("resubmit", p.stdout)
        self.assertIn("0 batches to submit", p.stdout)

    def test_a_large_campaign_is_sent_in_chunks_once(self):
        calls = "".join(f'      - to: "+1666{2000000 + i}"\n' for i in range(2500))
        self.mapping(NUMBERS + """batch_calls:
  - name: big
    agent: sales
    from: "+15551234568"
    calls:
""" + calls)
        p = self.sync("apply", "--auto-approve", "--batch-chunk", "1000", emulator=self.emu)
        self.assertExit(p, 0)
        sizes = [len(b["body"]["calls"]) for b in self.batches()]
        self.assertEqual(sizes, [1000, 1000, 500])
        self.assertExit(self.sync("apply", "--auto-approve", "--batch-chunk", "1000",
                                  emulator=self.emu), 0)
        self.assertEqual(len(self.batches()), 3)

    def test_a_kill_between_chunks_resumes_without_resending_what_was_sent(self):
        import signal
        import subprocess
        import time
        calls = "".join(f'      - to: "+1666{3000000 + i}"\n' for i in range(2500))
        self.mapping(NUMBERS + """batch_calls:
  - name: big
    agent: sales
    from: "+15551234568"
    calls:
""" + calls)
        args = ["--auto-approve", "--batch-chunk", "1000"]
        self.emu.set_faults(latency_ms=400)  # so the kill lands among the batch requests
        cmd = [os.environ.get("XS_SYNC_BIN", "build/xuna-sync"), "apply", *args,
               "--api-url", self.emu.url, "--twilio-api-url", self.emu.url]
        proc = subprocess.Popen(cmd, cwd=self.dir, env=self.env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while len(self.batches()) < 1 and time.time() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.emu.set_faults(latency_ms=0)
        self.assertEqual(len(self.batches()), 1)
        p = self.sync("apply", *args, emulator=self.emu)
        self.assertIn(p.returncode, (0, 1), p.stdout + p.stderr)
        p = self.sync("apply", *args, "--resubmit", "big", emulator=self.emu)
        self.assertExit(p, 0)
        firsts = [b["body"]["calls"][0]["to_phone_number"] for b in self.batches()]
        self.assertEqual(sorted(firsts), ["+16663000000", "+16663001000", "+16663002000"])
        self.assertExit(self.sync("apply", *args, emulator=self.emu), 0)
        self.assertEqual(len(self.batches()), 3)


if __name__ == "__main__":
    main()

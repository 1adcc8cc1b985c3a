"""kill -9 in the middle of a cut-over (DESIGN.md §9): between the routing snapshot and the
import (a proxy holds the import, before or after it reached the emulator), and during a
rollback (latency on the emulator). The next run completes the work without a second import or
a second update, and the snapshot keeps the routing from before the cut-over."""
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import SYNC, Case, Proxy, main, twilio_routing  # noqa: E402
from test_cutover import IVR_ROUTING, imports, twilio_updates  # noqa: E402

IVR = "+12125550101"
NUMBERS = [f"+1212555{i:04d}" for i in range(101, 107)]


class Hold:
    """Proxy answers that hold the import POST: before forwarding it (it never reaches the
    emulator) or after (committed there, its answer never sent), until released."""

    def __init__(self, forward_first):
        self.forward_first = forward_first
        self.holding = True
        self.arrived = threading.Event()
        self.release = threading.Event()

    def __call__(self, request, forward):
        if not (self.holding and request.command == "POST"
                and request.path == "/v1/convai/phone-numbers"):
            return forward()
        if self.forward_first:
            forward()
        self.arrived.set()
        self.release.wait(60)
        return None


class KillDuringCutover(Case):
    def start(self, numbers):
        fx = self.fixture(owned=[])
        fx["twilio_accounts"][0]["numbers"] = [dict(IVR_ROUTING, phone_number=n) for n in numbers]
        self.emu = self.start_emulator(fx)
        self.mapping("".join(f'  - phone_number: "{n}"\n    label: Line {n[-3:]}\n'
                             for n in numbers))

    def db(self):
        db = sqlite3.connect(os.path.join(self.dir, "state", "state.db"), timeout=10)
        db.row_factory = sqlite3.Row
        return db

    def pending(self, kind):
        with self.db() as db:
            return [r["phone_number"] for r in db.execute(
                "SELECT phone_number FROM actions WHERE kind = ? AND outcome = 'pending'", (kind,))]

    def snapshot(self, number):
        with self.db() as db:
            rows = [dict(r) for r in db.execute(
                "SELECT * FROM snapshots WHERE phone_number = ?", (number,))]
        return rows[0] if rows else None

    def kill(self, proc):
        proc.send_signal(signal.SIGKILL)
        self.assertEqual(proc.wait(timeout=30), -signal.SIGKILL, "the run was still going")

    def clear_requests(self):
        self.emu.clear_requests()
        self.received_before = self.emu.stats()["requests"]

    def settled(self):
        """Waits (bounded) until the emulator has logged every request it received since
        clear_requests() (a request is logged once handled)."""
        deadline = time.time() + 30
        base = getattr(self, "received_before", 0)
        while self.emu.stats()["requests"] - base != len(self.emu.requests()):
            self.assertLess(time.time(), deadline, "the emulator did not settle")
            time.sleep(0.05)

    def kill_while_the_import_is_held(self, forward_first):
        self.start([IVR])
        hold = Hold(forward_first)
        proxy = Proxy(self.emu.port, hold)
        self.addCleanup(proxy.stop)
        self.addCleanup(hold.release.set)
        args = ["apply", "--auto-approve", "--api-url", proxy.url, "--twilio-api-url",
                self.emu.url, "--xuna-webhook-origin", self.emu.url]
        proc = subprocess.Popen([SYNC, *args], cwd=self.dir, env=self.env(),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        self.assertTrue(hold.arrived.wait(60), "the import never came")
        # the snapshot and the intent are durable before the import is sent
        self.assertEqual(self.pending("import"), [IVR])
        self.assertEqual(self.snapshot(IVR)["before_voice_url"], IVR_ROUTING["voice_url"])
        self.kill(proc)
        hold.holding = False
        hold.release.set()
        self.settled()
        self.assertEqual(imports(self.emu.requests()), [IVR] if forward_first else [])

        p = self.sync(*args)
        self.assertExit(p, 0)
        self.assertEqual(imports(self.emu.requests()), [IVR], "one import, never two")
        self.assertEqual(self.pending("import"), [])
        self.assertIn(IVR, self.emu.numbers())
        self.assertEqual(twilio_routing(self.emu, IVR)["voice_url"],
                         self.emu.url + "/twilio/inbound_call")
        snap = self.snapshot(IVR)
        self.assertEqual(snap["before_voice_url"], IVR_ROUTING["voice_url"],
                         "the snapshot still holds the routing from before the cut-over")
        self.assertEqual(snap["before_status_callback"], IVR_ROUTING["status_callback"])
        # and the rollback has it back
        p = self.sync("rollback", IVR, "--auto-approve", "--api-url", proxy.url,
                      "--twilio-api-url", self.emu.url)
        self.assertExit(p, 0)
        self.assertEqual(twilio_routing(self.emu, IVR)["voice_url"], IVR_ROUTING["voice_url"])

    def test_kill_before_the_import_reached_xuna(self):
        self.kill_while_the_import_is_held(forward_first=False)

    def test_kill_after_the_import_reached_xuna_but_before_its_answer(self):
        self.kill_while_the_import_is_held(forward_first=True)

    def test_kill_during_a_rollback(self):
        self.start(NUMBERS)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.emu.set_faults(latency_ms=300)
        self.clear_requests()
        cmd = [SYNC, "rollback", "--all", "--auto-approve", "--parallelism", "1", "--api-url",
               self.emu.url, "--twilio-api-url", self.emu.url]
        proc = subprocess.Popen(cmd, cwd=self.dir, env=self.env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        deadline = time.time() + 60
        while len(twilio_updates(self.emu.requests())) < 2:
            self.assertIsNone(proc.poll(), "the rollback ended before the kill")
            self.assertLess(time.time(), deadline)
            time.sleep(0.02)
        self.kill(proc)
        self.settled()
        self.emu.set_faults(latency_ms=0)
        first = {r["path"] for r in twilio_updates(self.emu.requests())}
        restored = {n for n in NUMBERS
                    if twilio_routing(self.emu, n)["voice_url"] == IVR_ROUTING["voice_url"]}
        self.assertGreaterEqual(len(restored), 2)
        self.assertLess(len(restored), len(NUMBERS), "killed before the end")
        self.assertEqual(len(first), len(restored))

        self.emu.clear_requests()
        p = self.sync("rollback", "--all", "--auto-approve", "--no-color", emulator=self.emu)
        self.assertExit(p, 0)
        for n in restored:
            self.assertIn(f"  = already  {n}", p.stdout)
        second = [r["path"] for r in twilio_updates(self.emu.requests())]
        self.assertEqual(len(second), len(NUMBERS) - len(restored))
        self.assertEqual(first & set(second), set(), "no second update for a restored number")
        for n in NUMBERS:
            self.assertEqual(
                {k: twilio_routing(self.emu, n)[k] for k in IVR_ROUTING}, IVR_ROUTING, n)
        self.assertEqual(self.pending("rollback"), [])
        with self.db() as db:
            running = db.execute("SELECT count(*) FROM runs WHERE outcome = 'running'").fetchone()
        self.assertEqual(running[0], 0)


if __name__ == "__main__":
    main()

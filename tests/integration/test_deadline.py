"""A run ends: with --deadline, a server that answers every write "429, Retry-After: 30" (each
answer honest) cannot keep a run, and its lock, alive across every cron tick. Past the
deadline no request starts and no retry is waited for; the run is recorded, the lock freed,
what is left reported not done (exit 1), and the next run completes it."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Case, Proxy, main  # noqa: E402

NUMBERS = [f"+1555123456{i}" for i in range(7, 10)] + ["+15551234570", "+15551234571"]


class Deadline(Case):
    def test_a_run_against_a_server_that_always_says_later_ends_at_its_deadline(self):
        emu = self.start_emulator()

        def later(request, forward):
            if request.command in ("POST", "PATCH"):
                return (429, [("Retry-After", "30"), ("Content-Type", "application/json")],
                        b'{"detail":{"status":"rate_limited","message":"Too many requests"}}')
            return forward()

        proxy = Proxy(emu.port, later)
        self.addCleanup(proxy.stop)
        self.mapping("".join(f'  - phone_number: "{n}"\n    label: L{n[-2:]}\n    agent: support\n'
                             for n in NUMBERS))
        env = self.env(XUNA_SYNC_DEADLINE="3s")
        p = self.sync("apply", "--auto-approve", "--parallelism", "2", "--api-url", proxy.url,
                      "--twilio-api-url", emu.url, env=env, timeout=90)
        self.assertExit(p, 1)  # without the deadline it waits 30 s per answer (90 s bound above)
        self.assertIn("not sent, the server asked to wait past the run's deadline (--deadline)",
                      p.stdout)
        with sqlite3.connect(os.path.join(self.dir, "state", "state.db")) as db:
            outcome, finished = db.execute(
                "SELECT outcome, finished_at FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            self.assertEqual(outcome, "failed")
            self.assertTrue(finished)
            self.assertEqual(db.execute("SELECT COUNT(*) FROM locks").fetchone()[0], 0)
        # the next run, with the server answering again, does what was left, once
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu), 0)
        imports = [r for r in emu.requests() if r["method"] == "POST" and
                   r["path"] == "/v1/convai/phone-numbers" and r["status"] == 200]
        self.assertEqual(sorted(r["body"]["phone_number"] for r in imports), sorted(NUMBERS))

    def test_a_bad_deadline_is_a_usage_error(self):
        for bad in ("soon", "-5m", "0", "31d"):
            p = self.sync("apply", "--auto-approve", "--deadline", bad)
            self.assertExit(p, 3)
            self.assertIn("--deadline expects a duration", p.stderr)


if __name__ == "__main__":
    main()

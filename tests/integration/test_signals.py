"""SIGTERM, SIGINT and SIGHUP during an apply (issue 13 point 9, issue 20): the first stops
sending new requests, lets those in flight finish, marks the run interrupted, releases the lock
and exits 143, 130 or 129;
a second signal stops at once. The next run completes without sending anything twice."""
import os
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from bulk import bulk_fixture, bulk_mapping, bulk_numbers, duplicate_imports, import_posts  # noqa: E402
from harness import Case, lock_rows, main, start_sync, wait_until  # noqa: E402

COUNT = 30
PARALLELISM = 2


class Signals(Case):
    def setUp(self):
        super().setUp()
        self.numbers = bulk_numbers(COUNT)
        self.emu = self.start_emulator(bulk_fixture(self, COUNT), ["--latency-ms", "150"])
        bulk_mapping(self, self.numbers)
        self.state = os.path.join(self.dir, "state", "state.db")

    def answered_writes(self):
        return [w for w in self.emu.writes() if w["status"] == 200]

    def interrupt(self, sig):
        """Starts an apply, sends sig once some imports were answered; returns the process's
        (exit, stdout, stderr) and how many writes the emulator had seen at the signal."""
        proc = start_sync(self, "apply", "--auto-approve", "--parallelism", str(PARALLELISM),
                          emulator=self.emu)
        try:
            wait_until(lambda: len(self.answered_writes()) >= 4, "the first imports", timeout=60)
            at_signal = len(self.emu.writes())
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        return proc.returncode, out, err, at_signal

    def assertStoppedCleanly(self, sig, code, out, err, at_signal):
        self.assertEqual(code, 128 + sig, out + err[-3000:])
        self.assertIn("xuna-sync: stopping: no new requests; waiting for those in flight", err)
        self.assertNotIn("terminate called", err)
        # nothing new after the signal: only the requests then in flight (one per worker)
        writes = self.emu.writes()
        self.assertLessEqual(len(writes), at_signal + PARALLELISM)
        self.assertLess(len(writes), 2 * COUNT)
        # the run is recorded as interrupted, and its lock is free at once
        with sqlite3.connect(self.state) as db:
            self.assertEqual(db.execute("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1")
                             .fetchone()[0], "interrupted")
        self.assertEqual(lock_rows(self.state), [])
        h = self.sync("history")
        self.assertExit(h, 0)
        self.assertIn("interrupted", h.stdout)
        # the next apply starts at once (no lock to take over) and finishes the rest, once
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertNotIn("took over the lock", p.stderr)
        self.assertNotIn("was interrupted;", p.stderr)  # the stopped run settled itself
        reqs = self.emu.requests()
        self.assertEqual(duplicate_imports(reqs), [])
        posts = [r["body"]["phone_number"] for r in import_posts(reqs)]
        self.assertEqual(sorted(posts), sorted(self.numbers))  # each number POSTed once
        patches = [r["path"] for r in reqs if r["method"] == "PATCH"]
        self.assertEqual(sorted(patches), sorted(set(patches)))
        live = self.emu.numbers()
        self.assertTrue(all(live[n]["agent_id"] for n in self.numbers))
        self.assertExit(self.sync("plan", "--detailed-exitcode", emulator=self.emu), 0)

    def test_sigterm_exits_143_interrupted_and_the_next_run_completes(self):
        code, out, err, at_signal = self.interrupt(signal.SIGTERM)
        self.assertStoppedCleanly(signal.SIGTERM, code, out, err, at_signal)
        self.assertIn("interrupted by a signal", out + err)

    def test_sigint_exits_130(self):
        code, out, err, at_signal = self.interrupt(signal.SIGINT)
        self.assertStoppedCleanly(signal.SIGINT, code, out, err, at_signal)

    def test_sighup_is_handled_like_sigterm_and_exits_129(self):
        # a closed terminal or SSH session: stop sending, record the run, free the lock
        code, out, err, at_signal = self.interrupt(signal.SIGHUP)
        self.assertStoppedCleanly(signal.SIGHUP, code, out, err, at_signal)

    def test_a_second_signal_stops_at_once(self):
        proc = start_sync(self, "apply", "--auto-approve", "--parallelism", "1",
                          emulator=self.emu)
        try:
            wait_until(lambda: len(self.answered_writes()) >= 2, "the first imports", timeout=60)
            self.emu.set_faults(latency_ms=60000)  # the next request takes a minute
            time.sleep(1)  # (pacing, not a measure: let that request start)
            proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)  # two signals sent together would merge into one
            proc.send_signal(signal.SIGTERM)
            # it does not wait out the minute-long request in flight
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            self.fail("a second SIGTERM did not stop the apply at once")
        finally:
            self.emu.set_faults(latency_ms=0)
        self.assertEqual(proc.returncode, 128 + signal.SIGTERM, out + err[-3000:])
        # the next run recovers: takes over the lock of the gone process, settles its run
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        reqs = self.emu.requests()
        self.assertEqual(duplicate_imports(reqs), [])
        live = self.emu.numbers()
        self.assertTrue(all(live[n]["agent_id"] for n in self.numbers))


if __name__ == "__main__":
    main()

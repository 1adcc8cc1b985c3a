"""A lock you can trust (issue 13 point 1): `state unlock --force` refuses while the holder is a
live process here, naming its pid; a running apply whose lock is taken away behind its back
(its row deleted, or another holder's token planted) stops before its next phase and before
any campaign send, with a clear message, and nothing is ever sent twice."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from bulk import bulk_fixture, bulk_mapping, bulk_numbers, duplicate_imports, import_posts  # noqa: E402
from harness import (Case, lock_rows, main, start_sync, tamper_lock,  # noqa: E402
                     wait_until)

COUNT = 40


class LockForced(Case):
    def setUp(self):
        super().setUp()
        self.numbers = bulk_numbers(COUNT)
        self.emu = self.start_emulator(bulk_fixture(self, COUNT), ["--latency-ms", "150"])
        path = bulk_mapping(self, self.numbers)
        with open(path, "a") as f:
            f.write(f"""batch_calls:
  - name: renewals
    agent: sales
    from: "{self.numbers[0]}"
    calls:
      - to: "+15559876543"
      - to: "+15557654321"
""")
        self.state = os.path.join(self.dir, "state", "state.db")

    def start_apply(self):
        return start_sync(self, "apply", "--auto-approve", "--parallelism", "1",
                          emulator=self.emu)

    def wait_for_imports(self, proc, count):
        """Waits until the running apply holds the lock and `count` imports were answered."""
        wait_until(lambda: any(r[1] == proc.pid for r in lock_rows(self.state)),
                   f"pid {proc.pid} to take the lock")
        wait_until(lambda: len([r for r in import_posts(self.emu.requests())
                                if r["status"] == 200]) >= count,
                   f"{count} imports", timeout=60)

    def batch_posts(self):
        return [r for r in self.emu.requests()
                if r["method"] == "POST" and r["path"].endswith("/batch-calls")]

    def assertOnceEach(self):
        """Every number imported once and assigned, the campaign sent once, no write twice."""
        reqs = self.emu.requests()
        self.assertEqual(duplicate_imports(reqs), [])
        self.assertEqual(sorted(r["body"]["phone_number"] for r in import_posts(reqs)
                                if r["status"] == 200), sorted(self.numbers))
        self.assertEqual(len(self.batch_posts()), 1)
        patches = [r["path"] for r in reqs if r["method"] == "PATCH"]
        self.assertEqual(len(patches), len(set(patches)), "a number was PATCHed twice")
        live = self.emu.numbers()
        self.assertTrue(all(live[n]["agent_id"] for n in self.numbers))

    def test_unlock_force_refuses_while_the_holder_is_alive(self):
        proc = self.start_apply()
        try:
            self.wait_for_imports(proc, 2)
            p = self.sync("state", "unlock", "--force")
            self.assertExit(p, 5)
            self.assertIn(f"the lock is held by a live process: pid {proc.pid} on ", p.stderr)
            self.assertIn(f"kill {proc.pid}", p.stderr)
            self.assertEqual(len(lock_rows(self.state)), 1)  # still there
            # so a second apply still cannot start alongside
            self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 4)
        finally:
            out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 0, out + err)
        self.assertIn("Apply: 81 ok, 0 failed, 0 skipped.", out)
        self.assertOnceEach()
        self.assertEqual(len(self.emu.writes()), 2 * COUNT + 1)

    def lose_the_lock(self, holder):
        """Takes the lock from a running apply among its imports; returns its (exit, out, err)
        and how many imports had been answered when the lock went."""
        proc = self.start_apply()
        try:
            self.wait_for_imports(proc, 3)
            tamper_lock(self.state, holder)
        finally:
            out, err = proc.communicate(timeout=120)
        return proc.returncode, out, err

    def assertStoppedBeforeNextPhase(self, code, out, err, why):
        self.assertEqual(code, 1, out + err)
        self.assertIn("lost the lock before", out + err)
        self.assertIn(why, out + err)
        self.assertNotIn("terminate called", err)
        reqs = self.emu.requests()
        self.assertEqual(self.batch_posts(), [], "a campaign was sent without the lock")
        self.assertEqual([r for r in reqs if r["method"] == "PATCH"], [],
                         "agents were assigned after the lock was lost")
        self.assertEqual(duplicate_imports(reqs), [])

    def test_a_lock_deleted_mid_apply_stops_it_before_its_next_phase(self):
        code, out, err = self.lose_the_lock(None)
        self.assertStoppedBeforeNextPhase(code, out, err, "it was removed")
        self.assertEqual(lock_rows(self.state), [])  # nobody's lock was released by mistake
        # the next run does the rest, once
        p = self.sync("apply", "--auto-approve", "--parallelism", "8", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertOnceEach()

    def test_another_holders_token_stops_the_run_and_is_left_in_place(self):
        code, out, err = self.lose_the_lock((4242, "build-7.example"))
        self.assertStoppedBeforeNextPhase(code, out, err,
                                          "now held by pid 4242 on build-7.example")
        # the other holder's lock stays: the stopped run did not release it
        self.assertEqual([r[1:] for r in lock_rows(self.state)],
                         [(4242, "build-7.example", "planted-elsewhere")])
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 4)
        self.assertExit(self.sync("state", "unlock", "--force"), 0)  # another host: allowed
        p = self.sync("apply", "--auto-approve", "--parallelism", "8", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertOnceEach()


if __name__ == "__main__":
    main()

"""One apply converges against a server that fails 20% of the requests with a 5xx and refuses
what goes over 40 requests a second with a 429 (issue 14): exit 0 in a single run, every
number imported and assigned, none imported twice. Fixed seeds, so a failure repeats."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from bulk import (bulk_fixture, bulk_mapping, bulk_numbers, desired_agents,  # noqa: E402
                  double_imports, import_posts, imports_by_number)
from harness import Case, main  # noqa: E402

COUNT = 150
SEEDS = (1, 7, 23, 101)


class Converge(Case):
    def apply_once(self, seed):
        numbers = bulk_numbers(COUNT)
        emu = self.start_emulator(bulk_fixture(self, COUNT), [
            "--error-rate", "0.2", "--rate-limit", "40", "--seed", str(seed)])
        bulk_mapping(self, numbers)
        p = self.sync("apply", "--auto-approve", "--no-color", emulator=emu, timeout=300)
        return numbers, emu, p

    def test_one_run_converges_without_a_duplicate_import(self):
        for seed in SEEDS:
            with self.subTest(seed=seed):
                numbers, emu, p = self.apply_once(seed)
                reqs = emu.requests()
                # the faults happened: the test is about them
                faults = {r["fault"] for r in reqs}
                self.assertIn("error", faults)
                self.assertIn("rate_limited", faults)
                self.assertExit(p, 0)
                live = emu.numbers()
                for n, agent in desired_agents(numbers).items():
                    self.assertIn(n, live)
                    self.assertEqual(live[n]["agent_id"], agent, n)
                self.assertEqual(double_imports(reqs), [])
                # no import was sent for a number once one was committed, but a resend with
                # the same key (answered from the first answer); so no 409 either
                by_number = imports_by_number(reqs)
                self.assertEqual(set(by_number), set(numbers))
                for n, posts in by_number.items():
                    committed = [r for r in posts if 200 <= r["status"] < 300]
                    self.assertTrue(committed, n)
                    first = posts.index(committed[0])
                    for r in posts[first + 1:]:
                        self.assertEqual(r["idempotency_key"], committed[0]["idempotency_key"],
                                         f"{n} imported again: {r}")
                self.assertEqual([r for r in import_posts(reqs) if r["status"] == 409], [])
                # a second run has nothing left to do
                again = self.sync("plan", "--detailed-exitcode", "--no-color", emulator=emu)
                self.assertExit(again, 0)
                self.assertNoSecrets()
                for e in self.emulators:
                    e.stop()
                self.emulators.clear()


if __name__ == "__main__":
    main()

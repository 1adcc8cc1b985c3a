"""apply against a faulty emulator: keep-alive, 5xx, 429 + Retry-After, commit-then-drop and
slow answers past --timeout. Each run converges in a few re-runs with no duplicate import."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from bulk import (bulk_fixture, bulk_mapping, bulk_numbers, desired_agents,  # noqa: E402
                  duplicate_imports, import_posts)
from harness import Case, main  # noqa: E402

RETRY = re.compile(r"retrying (GET|POST|PATCH) \S+ in ([0-9.]+) s \(attempt (\d+) of (\d+)\) "
                   r"after (\d+|.+)")


class Faults(Case):
    def converge(self, emu, numbers, *args, max_runs=3):
        """Runs apply until it succeeds (at most max_runs times); returns the runs."""
        runs = []
        for _ in range(max_runs):
            p = self.sync("apply", "--auto-approve", "--log-format", "json", *args, emulator=emu)
            runs.append(p)
            self.assertIn(p.returncode, (0, 1), p.stdout + p.stderr)
            if p.returncode == 0:
                break
        self.assertEqual(runs[-1].returncode, 0,
                         f"not converged after {len(runs)} runs:\n{runs[-1].stdout}\n"
                         f"{runs[-1].stderr[-3000:]}")
        self.assertConverged(emu, numbers)
        return runs

    def assertConverged(self, emu, numbers):
        live = emu.numbers()
        want = desired_agents(numbers)
        for n in numbers:
            self.assertIn(n, live)
            self.assertEqual(live[n]["agent_id"], want[n], n)

    def assertNoDuplicateImport(self, requests, existing=()):
        """No number gets two committed imports, nor any POST once one was committed, nor any
        POST at all if it existed before the test."""
        self.assertEqual(duplicate_imports(requests), [])
        committed = set(existing)
        for r in import_posts(requests):
            n = (r.get("body") or {}).get("phone_number")
            self.assertNotIn(n, committed, f"import POST for {n} after it was in XUNA: {r}")
            if 200 <= r["status"] < 300:
                committed.add(n)

    def retries(self, runs):
        """Parsed info lines "retrying ..." from JSON logs of these runs."""
        out = []
        for p in runs:
            for line in p.stderr.splitlines():
                if not line.startswith("{"):
                    continue
                entry = json.loads(line)
                m = RETRY.match(entry["msg"])
                if m:
                    self.assertEqual(entry["level"], "info", line)
                    out.append(m)
        return out

    def test_keep_alive_reuses_a_few_connections(self):
        numbers = bulk_numbers(100)
        emu = self.start_emulator(bulk_fixture(self, 100), ["--latency-ms", "2"])
        bulk_mapping(self, numbers)
        before = emu.stats()
        p = self.sync("apply", "--auto-approve", "--parallelism", "8", emulator=emu)
        self.assertExit(p, 0)
        self.assertIn("Apply: 200 ok, 0 failed, 0 skipped.", p.stdout)
        after = emu.stats()
        requests = after["requests"] - before["requests"]
        connections = after["connections"] - before["connections"] - 1  # the stats call itself
        print(f"\n  {requests} requests over {connections} connections", file=sys.stderr)
        xuna = [r for r in emu.requests() if r["path"].startswith("/v1/")]
        self.assertEqual(len(xuna), 201)  # one list, 100 imports, 100 assigns
        self.assertLessEqual(requests, 203)  # and Twilio's list of what the account owns
        self.assertLessEqual(connections, 16)

    def test_5xx_at_30_percent_converges_without_duplicate_import(self):
        numbers = bulk_numbers(50)
        emu = self.start_emulator(bulk_fixture(self, 50),
                                  ["--error-rate", "0.3", "--seed", "7", "--latency-ms", "1"])
        bulk_mapping(self, numbers)
        runs = self.converge(emu, numbers)
        reqs = emu.requests()
        self.assertNoDuplicateImport(reqs)
        errors = [r for r in reqs if r["fault"] == "error"]
        self.assertGreater(len(errors), 10)
        # a 5xx on a GET or PATCH is retried in place; one on a POST is settled by a re-list
        retries = self.retries(runs)
        self.assertTrue(retries)
        self.assertTrue(all(m.group(1) in ("GET", "PATCH") for m in retries))
        self.assertEqual(emu.set_faults(error_rate=0)["error_rate"], 0)
        p = self.sync("plan", "--detailed-exitcode", emulator=emu)
        self.assertExit(p, 0)
        self.assertNoSecrets()

    def test_429_is_retried_after_retry_after_and_logged_once_per_retry(self):
        numbers = bulk_numbers(10)
        emu = self.start_emulator(bulk_fixture(self, 10), ["--rate-limit", "10"])
        bulk_mapping(self, numbers)
        runs = self.converge(emu, numbers, "--parallelism", "2", max_runs=2)
        reqs = emu.requests()
        # XUNA's requests only: Twilio's list, asked for early while XUNA lists, gets one
        # attempt, and the preflight asks again (with retries) if that one was refused
        limited = [r for r in reqs if r["fault"] == "rate_limited"
                   and not r["path"].startswith("/2010-04-01/")]
        self.assertTrue(limited, "the rate limit was never hit")
        retries = [m for m in self.retries(runs) if " /2010-04-01/" not in m.group(0)]
        after_429 = [m for m in retries if m.group(5).startswith("429")]
        gave_up = sum(line.count("giving up") for p in runs for line in p.stderr.splitlines()
                      if "/2010-04-01/" not in line)
        # every 429 is retried (or given up on), and each retry is logged exactly once
        self.assertEqual(len(after_429) + gave_up, len(limited))
        for m in after_429:
            # what is left of the shared pause: the emulator's honest Retry-After, under
            # 0.1 s at 10 requests a second (a whole second would idle every worker)
            self.assertLessEqual(float(m.group(2)), 0.1, m.group(0))
            self.assertGreaterEqual(int(m.group(3)), 2)
        self.assertNoDuplicateImport(reqs)
        # the 429s happened before any work: the import POSTs that got one were sent again
        posts = import_posts(reqs)
        ok = {r["body"]["phone_number"] for r in posts if r["status"] == 200}
        self.assertEqual(ok, set(numbers))

    def test_commit_then_drop_is_adopted_not_resent(self):
        numbers = bulk_numbers(50)
        emu = self.start_emulator(bulk_fixture(self, 50),
                                  ["--drop-rate", "0.3", "--seed", "11", "--latency-ms", "1"])
        bulk_mapping(self, numbers)
        runs = self.converge(emu, numbers)
        reqs = emu.requests()
        dropped = [r for r in import_posts(reqs) if r["fault"] == "dropped"]
        self.assertTrue(dropped)
        self.assertNoDuplicateImport(reqs)
        # every dropped import landed, so no number got a second POST at all
        counts = {}
        for r in import_posts(reqs):
            counts[r["body"]["phone_number"]] = counts.get(r["body"]["phone_number"], 0) + 1
        self.assertEqual(set(counts.values()), {1})
        self.assertIn("adopted", runs[0].stdout + runs[0].stderr)

    def test_slow_answers_past_the_timeout(self):
        numbers = bulk_numbers(30)
        emu = self.start_emulator(bulk_fixture(self, 30),
                                  ["--slow-rate", "0.2", "--slow-ms", "2500", "--seed", "5"])
        bulk_mapping(self, numbers)
        runs = self.converge(emu, numbers, "--timeout", "0.5")
        reqs = emu.requests()
        self.assertTrue([r for r in reqs if r["fault"] == "slow"])
        self.assertNoDuplicateImport(reqs)
        self.assertIn("no answer within 0.5 s", "".join(p.stderr + p.stdout for p in runs))

    def test_every_fault_at_once(self):
        numbers = bulk_numbers(50)
        existing = [{"phone_number": n, "label": f"Line {i}", "agent_id": None}
                    for i, n in enumerate(numbers[:5])]
        emu = self.start_emulator(
            bulk_fixture(self, 50, existing=existing),
            ["--error-rate", "0.15", "--drop-rate", "0.1", "--slow-rate", "0.1", "--slow-ms",
             "2000", "--rate-limit", "200", "--seed", "3", "--latency-ms", "2"])
        bulk_mapping(self, numbers)
        self.converge(emu, numbers, "--timeout", "0.5")
        self.assertNoDuplicateImport(emu.requests(), existing=numbers[:5])
        self.assertNoSecrets()

    def test_other_4xx_are_never_retried(self):
        numbers = bulk_numbers(6)
        emu = self.start_emulator(bulk_fixture(self, 6))
        bulk_mapping(self, numbers)
        # a wrong API key: one 401, not retried (Twilio's list, asked for meanwhile, is apart)
        p = self.sync("plan", emulator=emu, env=self.env(XUNA_API_KEY="xk_wrong"))
        self.assertExit(p, 1)
        self.assertEqual([(r["method"], r["status"]) for r in emu.requests()
                          if not r["path"].startswith("/2010-04-01/")], [("GET", 401)])
        # a wrong Twilio token: whatever is refused is refused once
        emu.clear_requests()
        p = self.sync("apply", "--auto-approve", emulator=emu,
                      env=self.env(TWILIO_MAIN_AUTH_TOKEN="wrong" + self.twilio_token[5:]))
        self.assertExit(p, 1)
        self.assertNotIn("retrying", p.stderr)
        reqs = emu.requests()
        self.assertTrue(all(r["status"] in (200, 400, 401) for r in reqs), reqs)
        posts = [r["body"]["phone_number"] for r in import_posts(reqs)]
        self.assertEqual(len(posts), len(set(posts)))
        self.assertEqual(len([r for r in reqs if r["method"] == "GET"]), len(
            {(r["path"], r["query"]) for r in reqs if r["method"] == "GET"}))
        # an assign to an agent the server does not know: one 404, not retried
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu), 0)
        emu.clear_requests()
        self.mapping(f"""  - phone_number: "{numbers[0]}"
    label: Line 0
    agent: agent_0000unknown000000000000000
""")
        p = self.sync("apply", "--auto-approve", emulator=emu)
        self.assertExit(p, 1)
        self.assertIn("404", p.stdout + p.stderr)
        self.assertNotIn("retrying", p.stderr)
        self.assertEqual([(r["method"], r["status"]) for r in emu.requests()],
                         [("GET", 200), ("PATCH", 404)])
        self.assertNoSecrets()

if __name__ == "__main__":
    main()

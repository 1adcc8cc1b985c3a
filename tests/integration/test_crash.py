"""kill -9 at random moments of an apply against a latency-injected emulator; the next run
completes the work with no duplicate import, takes the dead run's lock over with a warning,
and settles what the killed run left pending in the journal.

XS_CRASH_KILLS (default 20) and XS_CRASH_SEED (default 20261121) choose the kill points.
XS_CRASH_STATE=postgres runs the same kill points with the state in a throwaway PostgreSQL
cluster (tests/pg_cluster.sh; exit 125 when it cannot start, a failure under CI=true): there
the killed run's advisory lock ends with its connection, so the lock is free at once and no
takeover is needed."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from bulk import (bulk_fixture, bulk_mapping, bulk_numbers, desired_agents,  # noqa: E402
                  duplicate_imports, import_posts)
import harness  # noqa: E402
from harness import SYNC, Case  # noqa: E402

KILLS = int(os.environ.get("XS_CRASH_KILLS", "20"))
SEED = int(os.environ.get("XS_CRASH_SEED", "20261121"))
BLOCK = 60  # numbers per round, each with an agent: 60 imports + 60 assigns
LATENCY_MS = 20
PG = os.environ.get("XS_CRASH_STATE", "sqlite") == "postgres"
CLUSTER = None  # the PgCluster when PG, started by main


class KillNine(Case):
    def setUp(self):
        super().setUp()
        if PG:
            self.pgdb = "crash_" + self._testMethodName[-30:].lower()
            self.pg_uri = CLUSTER.createdb(self.pgdb)

    def env(self, **overrides):
        if PG:
            overrides.setdefault("XUNA_SYNC_STATE", self.pg_uri)
        return super().env(**overrides)

    def count(self, sql):
        """A count from the state, whichever the backend."""
        if PG:
            return int(CLUSTER.psql(sql, db=self.pgdb))
        with self.db() as db:
            return db.execute(sql).fetchone()[0]

    def block(self, k):
        return bulk_numbers(BLOCK, start=2000000 + k * BLOCK)

    def apply_args(self, emu):
        return [SYNC, "apply", "--auto-approve", "--no-color", "--api-url", emu.url,
                "--twilio-api-url", emu.url]

    def db(self):
        return sqlite3.connect(os.path.join(self.dir, "state", "state.db"))

    def assertRoundDone(self, emu, k):
        live = emu.numbers()
        for n, agent in desired_agents(self.block(k)).items():
            self.assertIn(n, live, f"round {k}")
            self.assertEqual(live[n]["agent_id"], agent, f"round {k}: {n}")

    def test_kill_at_random_moments_then_rerun(self):
        rng = random.Random(SEED)
        emu = self.start_emulator(bulk_fixture(self, BLOCK * (KILLS + 1)),
                                  ["--latency-ms", str(LATENCY_MS)])

        # Round 0 runs undisturbed: how long an apply of this size takes here.
        bulk_mapping(self, self.block(0))
        start = time.monotonic()
        p = self.sync("apply", "--auto-approve", emulator=emu)
        duration = time.monotonic() - start
        self.assertExit(p, 0)
        self.assertRoundDone(emu, 0)
        # A plan of the next round: the time an apply spends before its first write.
        bulk_mapping(self, self.block(1))
        p = self.sync("plan", emulator=emu)
        self.assertExit(p, 0)
        before_writes = min(p.elapsed, duration / 2)
        print(f"\n  seed {SEED}; an undisturbed apply of {2 * BLOCK} actions takes "
              f"{duration:.2f} s, {before_writes:.2f} s of it before the first write",
              file=sys.stderr)
        # A fifth of the kill points fall before the writes (loading, listing, locking), the
        # rest among them, one in each slice of time.
        early = max(1, KILLS // 5)
        moments = [before_writes * (i + rng.random()) / early for i in range(early)]
        late = KILLS - early
        moments += [before_writes + (0.9 * duration - before_writes) * (i + rng.random()) / late
                    for i in range(late)]

        killed, finished_first, takeovers, settled = 0, 0, 0, 0
        # Round 0's duration is one sample on a machine that may be busy: a run that ends
        # before its kill point shrinks the later ones, so the kills keep landing mid-apply.
        scale = 1.0
        for k in range(1, KILLS + 1):
            bulk_mapping(self, self.block(k))
            at = moments[k - 1] * scale
            proc = subprocess.Popen(self.apply_args(emu), cwd=self.dir, env=self.env(),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(at)
            proc.send_signal(signal.SIGKILL)
            code = proc.wait()
            if code == -signal.SIGKILL:
                killed += 1
            else:
                finished_first += 1
                scale *= 0.7
            show = self.sync("state", "show")
            self.assertExit(show, 0)  # the state opens fine after a kill
            held = f"held by pid {proc.pid}" in show.stdout
            if PG:  # the server ends the dead client's session, and its lock (bounded wait)
                deadline = time.time() + 10
                while held and time.time() < deadline:
                    time.sleep(0.05)
                    held = f"held by pid {proc.pid}" in self.sync("state", "show").stdout
                self.assertFalse(held, "a killed run's advisory lock is released by the server")
            pending = self.count("SELECT count(*) FROM actions WHERE outcome = 'pending'")
            print(f"  kill point {k:2d} at {at * 1000:4.0f} ms: "
                  f"{'killed' if code == -signal.SIGKILL else f'had exited ({code})'}, "
                  f"lock {'held' if held else 'free'}, {pending} pending in the journal",
                  file=sys.stderr)

            p = self.sync("apply", "--auto-approve", emulator=emu)
            self.assertExit(p, 0)
            if held:
                takeovers += 1
                self.assertIn(f"warning: took over the lock of a run that is gone "
                              f"(pid {proc.pid} on ", p.stderr)
            self.assertRoundDone(emu, k)
            left = self.count("SELECT count(*) FROM actions WHERE outcome = 'pending'")
            running = self.count("SELECT count(*) FROM runs WHERE outcome = 'running'")
            self.assertEqual(left, 0, "the re-run settles what the killed run left pending")
            self.assertEqual(running, 0, "the killed run is marked as such")
            settled += pending

        reqs = emu.requests()
        dups = duplicate_imports(reqs)
        committed, late = set(), []
        for r in import_posts(reqs):
            n = r["body"]["phone_number"]
            if n in committed:
                late.append(r)
            if 200 <= r["status"] < 300:
                committed.add(n)
        if PG:
            outcomes = dict(line.split("|") for line in CLUSTER.psql(
                "SELECT outcome, count(*) FROM runs GROUP BY outcome", db=self.pgdb).splitlines())
        else:
            with self.db() as db:
                self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
                outcomes = dict(db.execute("SELECT outcome, count(*) FROM runs GROUP BY outcome"))
        print(f"  kill points: {killed} killed mid-apply ({finished_first} had already exited), "
              f"{takeovers} locks taken over, {settled} pending journal entries settled; "
              f"duplicate imports: {len(dups)}, imports sent after one landed: {len(late)}; "
              f"runs by outcome: {outcomes}", file=sys.stderr)
        self.assertEqual(dups, [])
        self.assertEqual(late, [])
        self.assertGreaterEqual(killed, KILLS * 3 // 4, "most kill points must hit a live run")
        if PG:
            self.assertEqual(takeovers, 0)  # never needed: each lock was free at once
        else:
            self.assertGreater(takeovers, 0)
        self.assertNoSecrets()


def main():
    global CLUSTER
    if not PG:
        return harness.main()
    CLUSTER = harness.pg_cluster_or_exit()
    try:
        harness.unittest.main(verbosity=2)
    finally:
        CLUSTER.stop()


if __name__ == "__main__":
    main()

"""Issue 20: a run started with its standard output closed ('>&-', as some cron wrappers and
daemons do). Descriptor 1 is opened on /dev/null first, so that neither a state file nor a
database connection can become descriptor 1 and receive the plan text meant for stdout."""
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import SYNC, Case, PgCluster, PgUnavailable  # noqa: E402

NUMBERS = """  - phone_number: "+15551234567"
    label: Support
    agent: support
  - phone_number: "+15550001111"
    label: Front Desk
    agent: sales
"""

CLUSTER = None  # a PgCluster when one could start


def run_closed(case, fd, *args, emulator=None, env=None):
    """xuna-sync with descriptor fd closed (stdout: 1, stderr: 2; the other one captured)."""
    cmd = [SYNC, *args, "--api-url", emulator.url, "--twilio-api-url", emulator.url]
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE} if fd == 1 else \
              {"stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL}
    return subprocess.run(cmd, cwd=case.dir, env=env or case.env(), stdin=subprocess.DEVNULL,
                          preexec_fn=lambda: os.close(fd), text=True, timeout=120, **streams)


class ClosedStdout(Case):
    def test_sqlite_state_with_stdout_closed(self):
        emu = self.start_emulator()
        self.mapping(NUMBERS)
        for fd in (1, 2):
            p = run_closed(self, fd, "apply", "--auto-approve", emulator=emu)
            self.assertEqual(p.returncode, 0, p.stdout or p.stderr)
        state = os.path.join(self.dir, "state", "state.db")
        with sqlite3.connect(state) as db:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            self.assertEqual([r[0] for r in db.execute("SELECT outcome FROM runs ORDER BY id")],
                             ["ok", "ok"])
        self.assertNotIn("Malformed", json.dumps(emu.requests()))
        self.assertExit(self.sync("plan", "--detailed-exitcode", emulator=emu), 0)

    def test_postgresql_state_with_stdout_closed(self):
        if CLUSTER is None:
            self.skipTest("no PostgreSQL cluster")
        db = "fds_" + os.urandom(4).hex()
        uri = CLUSTER.createdb(db)
        emu = self.start_emulator()
        self.mapping(NUMBERS)
        p = run_closed(self, 1, "apply", "--auto-approve", emulator=emu,
                       env=self.env(XUNA_SYNC_STATE=uri))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(CLUSTER.psql("SELECT outcome FROM runs ORDER BY id", db=db), "ok")
        p = self.sync("plan", "--detailed-exitcode", emulator=emu,
                      env=self.env(XUNA_SYNC_STATE=uri))
        self.assertExit(p, 0)


if __name__ == "__main__":
    if os.path.exists(SYNC):
        try:
            CLUSTER = PgCluster()
        except PgUnavailable as e:
            print(f"PostgreSQL test skipped: {e}")
    try:
        harness.main()
    finally:
        if CLUSTER:
            CLUSTER.stop()

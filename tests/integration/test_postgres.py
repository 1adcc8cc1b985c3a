"""The state in PostgreSQL (`--state postgresql://...`), end to end against a throwaway cluster
(tests/pg_cluster.sh, one for the whole file, one database per test): apply and re-apply,
history and state show without credentials, the advisory lock (a racing applier gets 4 naming
the holder; a killed run's lock is free at once), no duplicate import after kill -9 or a cut
connection, a campaign sent once by runs sharing the database, an unreachable database, passwords
only through libpq's means, and `state copy` between SQLite and PostgreSQL.

Exit 125 (skipped) with the reason when the cluster cannot start, except under CI=true."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from bulk import (bulk_fixture, bulk_mapping, bulk_numbers, desired_agents,  # noqa: E402
                  duplicate_imports)
import harness  # noqa: E402
from harness import SYNC, Case  # noqa: E402

CLUSTER = None  # the PgCluster, started by main

NUMBERS = """  - phone_number: "+15551234567"
    label: Support Line
    agent: support
  - phone_number: "+15551234568"
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
        first_message: "Hi Maria."
"""


class PgCase(Case):
    """A Case whose state (XUNA_SYNC_STATE) is a fresh database of the cluster."""

    def setUp(self):
        super().setUp()
        self.db = "t_" + re.sub(r"[^a-z0-9]", "_", self._testMethodName.lower())[:50]
        self.uri = CLUSTER.createdb(self.db)
        self.shown = f"postgresql:///{self.db}?host={CLUSTER.dir}"  # the URI as printed

    def tearDown(self):
        super().tearDown()
        try:
            CLUSTER.psql(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        except RuntimeError:
            pass

    def env(self, **overrides):
        overrides.setdefault("XUNA_SYNC_STATE", self.uri)
        return super().env(**overrides)

    def sql(self, query):
        return CLUSTER.psql(query, db=self.db)

    def apply_args(self, emu, *extra):
        return [SYNC, "apply", "--auto-approve", "--no-color", "--api-url", emu.url,
                "--twilio-api-url", emu.url, *extra]

    def start_apply(self, emu, *extra):
        return subprocess.Popen(self.apply_args(emu, *extra), cwd=self.dir, env=self.env(),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def wait_for_lock(self, pid):
        deadline = time.time() + 30
        while time.time() < deadline:
            show = self.sync("state", "show")
            if f"Lock: held by pid {pid} on " in show.stdout:
                return show
            time.sleep(0.05)
        self.fail(f"pid {pid} never took the lock")

    def wait_for_writes(self, emu, count):
        deadline = time.time() + 30
        while time.time() < deadline:
            if len([w for w in emu.writes() if w["status"] == 200]) >= count:
                return
            time.sleep(0.02)
        self.fail(f"fewer than {count} writes landed")

    def assertNoPgCredentials(self):
        for blob in self.outputs:
            self.assertNotIn("user=postgres", blob)


class Apply(PgCase):
    def test_apply_end_to_end_then_nothing_changes_and_history_shows_the_uri(self):
        emu = self.start_emulator()
        self.mapping(NUMBERS)
        env = self.env(XUNA_SYNC_STATE=None)  # --state on the command line this time
        p = self.sync("apply", "--auto-approve", "--state", self.uri, emulator=emu, env=env)
        self.assertExit(p, 0)
        live = emu.numbers()
        self.assertEqual(live["+15551234567"]["agent_id"], harness.SUPPORT)
        self.assertEqual(live["+15551234568"]["agent_id"], harness.SALES)
        self.assertFalse(os.path.exists(os.path.join(self.dir, ".xuna-sync")),
                         "a postgresql:// state writes no local file")
        self.assertEqual(self.sql("SELECT count(*) FROM managed_numbers"), "2")
        self.assertEqual(self.sql("SELECT outcome FROM runs"), "ok")

        emu.clear_requests()
        p = self.sync("apply", "--auto-approve", "--state", self.uri, emulator=emu, env=env)
        self.assertExit(p, 0)
        self.assertEqual(emu.writes(), [])
        p = self.sync("plan", "--detailed-exitcode", emulator=emu)
        self.assertExit(p, 0)

        h = self.sync("history")
        self.assertExit(h, 0)
        self.assertEqual(len(re.findall(r"\bapply\b", h.stdout)) >= 2, True, h.stdout)
        show = self.sync("state", "show")
        self.assertExit(show, 0)
        self.assertIn(f"State: {self.shown} (schema ", show.stdout)
        self.assertIn("Lock: free", show.stdout)
        self.assertIn("2 managed numbers, 2 runs", show.stdout)
        self.assertNoPgCredentials()
        self.assertNoSecrets()

    def test_a_campaign_is_sent_once_by_runs_in_different_dirs_sharing_the_database(self):
        emu = self.start_emulator()
        dirs = [os.path.join(self.dir, "runner-a"), os.path.join(self.dir, "runner-b")]
        for d in dirs:
            os.makedirs(os.path.join(d, "mappings"))
            with open(os.path.join(d, "mappings", "main.yaml"), "w") as f:
                with open(self.mapping(NUMBERS + CAMPAIGN)) as src:
                    f.write(src.read())
        for d in dirs * 2:
            p = subprocess.run(self.apply_args(emu), cwd=d, env=self.env(), capture_output=True,
                               text=True, timeout=120)
            self.outputs += [p.stdout, p.stderr]
            self.assertExit(p, 0)
            self.assertFalse(os.path.exists(os.path.join(d, ".xuna-sync")))
        batches = emu._admin("GET", "/_emulator/batches")
        self.assertEqual(len(batches), 1)
        posts = [r for r in emu.requests() if r["path"].endswith("/batch-calls")]
        self.assertEqual(len(posts), 1)
        self.assertEqual(self.sql("SELECT count(*) FROM runs"), "4")
        self.assertNoSecrets()


class Locking(PgCase):
    def setUp(self):
        super().setUp()
        self.numbers = bulk_numbers(12)
        self.emu = self.start_emulator(bulk_fixture(self, 12), ["--latency-ms", "150"])
        bulk_mapping(self, self.numbers)

    def test_a_second_applier_exits_4_naming_the_holder(self):
        first = self.start_apply(self.emu, "--parallelism", "1")
        try:
            show = self.wait_for_lock(first.pid)
            host = socket.gethostname()
            self.assertIn(f"Lock: held by pid {first.pid} on {host} since 20", show.stdout)
            second = self.sync("apply", "--auto-approve", emulator=self.emu)
            self.assertExit(second, 4)
            self.assertIn(f"another apply holds the lock on {self.shown}: pid {first.pid} on "
                          f"{host} since 20", second.stderr)
            self.assertNotIn("Apply:", second.stdout)
        finally:
            out, err = first.communicate(timeout=120)
        self.assertEqual(first.returncode, 0, out + err)
        self.assertIn("Lock: free", self.sync("state", "show").stdout)
        writes = self.emu.writes()
        self.assertEqual(len(writes), 24)
        self.assertEqual(len({w["idempotency_key"] for w in writes}), 24)
        self.assertNoPgCredentials()

    def test_two_appliers_started_together_on_an_empty_database_one_wins(self):
        # Both find no tables: the migrations run under a lock, then one takes the target's lock.
        a, b = (self.start_apply(self.emu, "--parallelism", "1") for _ in range(2))
        results = {}
        for p in (a, b):
            out, err = p.communicate(timeout=120)
            self.outputs += [out, err]
            results[p.pid] = (p.returncode, err)
        self.assertEqual(sorted(code for code, _ in results.values()), [0, 4], results)
        loser = next(err for code, err in results.values() if code == 4)
        winner = next(pid for pid, (code, _) in results.items() if code == 0)
        self.assertIn(f"another apply holds the lock on {self.shown}: pid {winner} on ", loser)
        writes = self.emu.writes()
        self.assertEqual(len(writes), 24)
        self.assertEqual(len({w["idempotency_key"] for w in writes}), 24)
        self.assertEqual(self.sql("SELECT count(*) FROM runs"), "1")
        self.assertNoPgCredentials()

    def test_kill_9_frees_the_lock_at_once_and_the_resume_imports_nothing_twice(self):
        first = self.start_apply(self.emu, "--parallelism", "1")
        self.wait_for_lock(first.pid)
        self.wait_for_writes(self.emu, 2)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
        self.assertEqual(first.returncode, -signal.SIGKILL)
        # The server ends the dead client's session and its advisory lock with it: no
        # takeover, no `state unlock --force`. (Bounded wait: the server notices the closed
        # socket asynchronously.)
        deadline = time.time() + 10
        while "Lock: free" not in self.sync("state", "show").stdout and time.time() < deadline:
            time.sleep(0.05)
        self.assertIn("Lock: free", self.sync("state", "show").stdout)
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertRegex(p.stderr, r"run #1 \(apply, started \S+\) was interrupted")
        live = self.emu.numbers()
        for n, agent in desired_agents(self.numbers).items():
            self.assertEqual(live[n]["agent_id"], agent)
        self.assertEqual(duplicate_imports(self.emu.requests()), [])
        self.assertEqual(self.sql("SELECT count(*) FROM actions WHERE outcome = 'pending'"), "0")
        self.assertEqual(self.sql("SELECT count(*) FROM runs WHERE outcome = 'running'"), "0")
        self.assertNoSecrets()

    def test_a_connection_cut_mid_apply_stops_sending_and_the_next_run_settles(self):
        first = self.start_apply(self.emu, "--parallelism", "1")
        self.wait_for_lock(first.pid)
        self.wait_for_writes(self.emu, 2)
        cut = CLUSTER.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           f"WHERE application_name = 'xuna-sync' AND datname = '{self.db}' "
                           "AND pid <> pg_backend_pid()")
        self.assertEqual(cut, "1")
        out, err = first.communicate(timeout=60)
        self.assertEqual(first.returncode, 1, out + err)
        self.assertIn(f"Stopped early: the state could not be written (state {self.shown}: ", out)
        self.assertIn("connection lost", out)
        self.assertNotIn("Apply: 24 ok", out)
        self.assertNotIn("user=postgres", out + err)
        after_exit = len(self.emu.writes())
        self.assertLess(after_exit, 24, "the cut run stopped sending")
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        live = self.emu.numbers()
        for n, agent in desired_agents(self.numbers).items():
            self.assertEqual(live[n]["agent_id"], agent)
        self.assertEqual(duplicate_imports(self.emu.requests()), [])
        self.assertEqual(self.sql("SELECT count(*) FROM actions WHERE outcome = 'pending'"), "0")
        self.assertEqual(self.sql("SELECT count(*) FROM runs WHERE outcome = 'running'"), "0")
        self.assertNoSecrets()


class Unlock(PgCase):
    def test_unlock_force_ends_the_holders_session(self):
        emu = self.start_emulator()
        self.mapping(NUMBERS)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu), 0)
        target = self.sql("SELECT id FROM targets")
        # A runner on another host holds the lock: its session has the advisory lock (space
        # 0x7873 "xs", the target's id) and wrote the lock's record.
        holder = subprocess.Popen(
            [harness.pg_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", CLUSTER.dir,
             "-U", "postgres", "-d", self.db],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        holder.stdin.write(
            f"SELECT pg_advisory_lock({0x7873}, {target});\n"
            "INSERT INTO locks(target_id, pid, host, since, token) VALUES "
            f"({target}, 4242, 'build-7.example', '2026-01-02T03:04:05Z', 'elsewhere');\n"
            "SELECT pg_sleep(120);\n")
        holder.stdin.close()
        try:
            deadline = time.time() + 20
            while time.time() < deadline:
                if "Lock: held by pid 4242 on build-7.example" in self.sync("state", "show").stdout:
                    break
                time.sleep(0.05)
            p = self.sync("apply", "--auto-approve", emulator=emu)
            self.assertExit(p, 4)
            self.assertIn(f"another apply holds the lock on {self.shown}: pid 4242 on "
                          "build-7.example since 2026-01-02T03:04:05Z", p.stderr)
            p = self.sync("state", "unlock", "--force")
            self.assertExit(p, 0)
            self.assertIn("Removed the lock held by pid 4242 on build-7.example since "
                          "2026-01-02T03:04:05Z.", p.stdout)
            self.assertNotEqual(holder.wait(timeout=30), 0, "the holder's session was ended")
            self.assertIn("terminat", holder.stderr.read())
        finally:
            if holder.poll() is None:
                holder.kill()
                holder.wait()
            holder.stderr.close()
        self.assertIn("Lock: free", self.sync("state", "show").stdout)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu), 0)
        self.assertNoPgCredentials()


class Faults(PgCase):
    def test_an_unreachable_database_exits_1_before_anything_is_sent(self):
        emu = self.start_emulator()
        self.mapping(NUMBERS)
        cases = [
            # no server at that socket directory: the cluster is "down"
            (f"postgresql:///{self.db}?host={self.dir}/nowhere&user=postgres",
             f"{self.dir}/nowhere", self.db),
            # nothing listens on this loopback port
            ("postgresql://127.0.0.1:9/statedb?user=postgres", "127.0.0.1", "statedb"),
            # the server is up, the database is not there
            (f"postgresql:///no_such_db?host={CLUSTER.dir}&user=postgres", CLUSTER.dir,
             "no_such_db"),
        ]
        for uri, host, database in cases:
            p = self.sync("apply", "--auto-approve", emulator=emu, env=self.env(XUNA_SYNC_STATE=uri))
            self.assertExit(p, 1)
            self.assertIn(f"cannot connect to PostgreSQL database {database} on host {host}",
                          p.stderr)
            self.assertNotIn("user=postgres", p.stderr)
            self.assertEqual(emu.writes(), [], uri)
        self.assertNoSecrets()

    def test_a_password_in_the_uri_is_refused_and_never_printed(self):
        emu = self.start_emulator()
        self.mapping(NUMBERS)
        password = "pw-" + os.urandom(8).hex()
        for uri in (f"postgresql://postgres:{password}@/{self.db}?host={CLUSTER.dir}",
                    f"postgresql:///{self.db}?host={CLUSTER.dir}&user=postgres&password={password}",
                    f"postgres:///{self.db}?password={password}&host={CLUSTER.dir}"):
            for args in (["apply", "--auto-approve"], ["plan"], ["history"], ["state", "show"],
                         ["state", "copy", uri, os.path.join(self.dir, "copy.db")],
                         ["state", "copy", os.path.join(self.dir, "none.db"), uri]):
                p = self.sync(*args, emulator=emu, env=self.env(XUNA_SYNC_STATE=uri))
                if "none.db" in args:  # copy FROM a missing file: whichever is found first
                    self.assertIn(p.returncode, (1, 3), f"{args} {uri}: {p.stderr}")
                else:  # invalid input (DESIGN section 3), not a failure to connect
                    self.assertEqual(p.returncode, 3, f"{args} {uri}: {p.stderr}")
                self.assertNotIn(password, p.stdout + p.stderr)
                if args[0] != "state" or args[1] == "show":
                    self.assertIn("password in the URL is refused", p.stderr, args)
                    for means in ("PGPASSWORD", ".pgpass", "PGPASSFILE"):
                        self.assertIn(means, p.stderr)
        self.assertEqual(emu.writes(), [])
        self.assertEqual(self.sql("SELECT count(*) FROM pg_tables WHERE tablename = 'runs'"), "0")
        for blob in self.outputs:
            self.assertNotIn(password, blob)

    def test_pgpassword_and_pgpassfile_authenticate_a_role_with_a_password(self):
        emu = self.start_emulator()
        self.mapping(NUMBERS)
        password = "pw-" + os.urandom(8).hex()
        role = "xs_pw_" + self.db[-20:]
        CLUSTER.psql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        CLUSTER.psql(f'ALTER DATABASE "{self.db}" OWNER TO {role}')
        self.sql(f"ALTER SCHEMA public OWNER TO {role}")
        # The cluster trusts local connections: this role alone must give a password.
        hba = os.path.join(CLUSTER.data, "pg_hba.conf")
        with open(hba) as f:
            rules = f.read()
        with open(hba, "w") as f:
            f.write(f"local all {role} scram-sha-256\n" + rules)
        try:
            CLUSTER.psql("SELECT pg_reload_conf()")
            time.sleep(0.5)  # the postmaster reloads on SIGHUP, asynchronously
            uri = f"postgresql:///{self.db}?host={CLUSTER.dir}&user={role}"
            no_pw = self.sync("plan", emulator=emu,
                              env=self.env(XUNA_SYNC_STATE=uri, PGPASSWORD=None, PGPASSFILE=None,
                                           HOME=self.dir))
            self.assertExit(no_pw, 1)
            self.assertIn(f"cannot connect to PostgreSQL database {self.db}", no_pw.stderr)
            p = self.sync("apply", "--auto-approve", emulator=emu,
                          env=self.env(XUNA_SYNC_STATE=uri, PGPASSWORD=password))
            self.assertExit(p, 0)
            self.assertEqual(self.sql("SELECT count(*) FROM runs"), "1")
            passfile = os.path.join(self.dir, "pgpass")
            with open(passfile, "w") as f:
                f.write(f"*:*:{self.db}:{role}:{password}\n")
            os.chmod(passfile, 0o600)
            p = self.sync("apply", "--auto-approve", emulator=emu,
                          env=self.env(XUNA_SYNC_STATE=uri, PGPASSWORD=None, PGPASSFILE=passfile))
            self.assertExit(p, 0)
            self.assertEqual(self.sql("SELECT count(*) FROM runs"), "2")
        finally:
            with open(hba, "w") as f:
                f.write(rules)
            CLUSTER.psql("SELECT pg_reload_conf()")
        for blob in self.outputs:
            self.assertNotIn(password, blob)
        self.assertNoSecrets()


class Copy(PgCase):
    def test_state_copy_sqlite_to_postgresql_and_back_keeps_history_and_managed_numbers(self):
        emu = self.start_emulator()
        self.mapping(NUMBERS + CAMPAIGN)
        sqlite = os.path.join(self.dir, "state", "state.db")
        on_sqlite = self.env(XUNA_SYNC_STATE=sqlite)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu, env=on_sqlite), 0)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu, env=on_sqlite), 0)
        history = self.sync("history", env=on_sqlite)
        self.assertExit(history, 0)

        p = self.sync("state", "copy", sqlite, self.uri)
        self.assertExit(p, 0)
        self.assertIn(f"Copied {sqlite} to {self.shown}: 1 targets, 2 runs, ", p.stdout)
        self.assertIn(" 2 managed numbers, 2 campaign recipients", p.stdout)
        self.assertEqual(self.sync("history").stdout, history.stdout)
        # The copy is a working state: nothing to do, the campaign is not sent again.
        emu.clear_requests()
        plan = self.sync("plan", "--detailed-exitcode", emulator=emu)
        self.assertExit(plan, 0)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu), 0)
        self.assertEqual(emu.writes(), [])
        self.assertEqual(self.sql("SELECT count(*) FROM managed_numbers"), "2")

        # A non-empty destination is refused without --force, and kept as it was.
        p = self.sync("state", "copy", sqlite, self.uri)
        self.assertExit(p, 1)
        self.assertIn("refusing to copy into it without force", p.stderr)
        self.assertEqual(self.sql("SELECT count(*) FROM runs"), "3")
        p = self.sync("state", "copy", sqlite, self.uri, "--force")
        self.assertExit(p, 0)
        self.assertEqual(self.sql("SELECT count(*) FROM runs"), "2")
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu), 0)  # run 3 again

        back = os.path.join(self.dir, "back", "state.db")
        p = self.sync("state", "copy", self.uri, back)
        self.assertExit(p, 0)
        self.assertIn(f"Copied {self.shown} to {back}: 1 targets, 3 runs, ", p.stdout)
        on_back = self.env(XUNA_SYNC_STATE=back)
        self.assertEqual(self.sync("history", env=on_back).stdout, self.sync("history").stdout)
        emu.clear_requests()
        self.assertExit(self.sync("plan", "--detailed-exitcode", emulator=emu, env=on_back), 0)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=emu, env=on_back), 0)
        self.assertEqual(emu.writes(), [])
        self.assertExit(self.sync("state", "copy", self.uri, back), 1)
        self.assertEqual(len(emu._admin("GET", "/_emulator/batches")), 1)
        self.assertNoPgCredentials()
        self.assertNoSecrets()


def main():
    global CLUSTER
    CLUSTER = harness.pg_cluster_or_exit()
    try:
        harness.unittest.main(verbosity=2)
    finally:
        CLUSTER.stop()


if __name__ == "__main__":
    main()

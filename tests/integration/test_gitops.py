"""Running xuna-sync unattended (cron, systemd, CI): the --metrics-file gauges after every kind
of run, replaced atomically; JSON logs and the JSON report; no colour without a terminal or
with NO_COLOR / --no-color; the safety guards; and the contrib/ files, each run for real where
this machine can (systemd-analyze, the cron line under flock, the CI plan step)."""
import fcntl
import json
import os
import pty
import re
import select
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import (SALES, SOURCE_DIR, SUPPORT, SYNC, Case, main,  # noqa: E402
                     without_number_warnings)

CONTRIB = os.path.join(SOURCE_DIR, "contrib")

NUMBERS = """  - phone_number: "+15551234567"
    label: Customer Support Line
    agent: support
  - phone_number: "+15551234568"
    label: Sales Line
    agent: sales
  - phone_number: "+15551234571"
    label: Fax Line
  - phone_number: "+15550001111"
    label: Front Desk
    agent: support
"""
NOT_OWNED = """  - phone_number: "+15559990000"
    label: Not owned
    agent: support
"""
EXISTING = [
    {"phone_number_id": "phnum_front", "phone_number": "+15550001111", "label": "Old name",
     "agent_id": SALES},
    {"phone_number_id": "phnum_other", "phone_number": "+15550002222", "label": "Not ours",
     "agent_id": SUPPORT},
]
BAD_MAPPING = """version: 1
numbers:
  - agnet: support
    phone_number: "+15551234567"
    label: Typo
"""
ESC = "\x1b["


# --- Prometheus text format ----------------------------------------------------------------
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)')


def parse_prometheus(text):
    """Parses the text exposition format strictly enough to catch what node_exporter would
    reject: # HELP and # TYPE at most once per metric and before its samples, every sample's
    metric has a TYPE, values are numbers, no duplicate series. Returns
    {(name, ((label, value), ...)): float} and {name: type}."""
    samples, types, helps = {}, {}, set()
    assert text.endswith("\n"), "the file must end with a newline"
    for n, line in enumerate(text.splitlines(), 1):
        where = f"line {n}: {line!r}"
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            assert name not in helps, "second HELP, " + where
            assert not any(k[0] == name for k in samples), "HELP after samples, " + where
            helps.add(name)
        elif line.startswith("# TYPE "):
            parts = line.split(" ")
            assert len(parts) == 4, where
            name, kind = parts[2], parts[3]
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped"), where
            assert name not in types, "second TYPE, " + where
            assert not any(k[0] == name for k in samples), "TYPE after samples, " + where
            types[name] = kind
        elif line.startswith("#") or not line:
            continue
        else:
            m = SAMPLE.match(line)
            assert m, "not a sample, " + where
            name, labels_text, value = m.groups()
            assert name in types, "sample without TYPE, " + where
            labels = ()
            if labels_text:
                found = LABEL.findall(labels_text)
                assert ",".join(f'{k}="{v}"' for k, v in found) == labels_text, where
                labels = tuple(sorted(found))
            key = (name, labels)
            assert key not in samples, "duplicate series, " + where
            samples[key] = float(value)
    return samples, types


def gauge(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


# --- a terminal ------------------------------------------------------------------------------
def run_on_pty(cmd, cwd, env, timeout=60):
    """Runs cmd with stdout and stderr on a pseudo-terminal; returns (exit code, output)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=slave,
                         stderr=slave, close_fds=True)
    os.close(slave)
    out = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    os.close(master)
    return p.wait(timeout=10), out.decode("utf-8", "replace")


class GitOpsCase(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator(self.fixture(existing=EXISTING))
        self.mapping(NUMBERS)
        self.prom = os.path.join(self.dir, "textfile", "xuna_sync.prom")
        os.makedirs(os.path.dirname(self.prom))

    def metrics(self):
        with open(self.prom) as f:
            return parse_prometheus(f.read())[0]

    def sync_on_pty(self, *args, env=None):
        cmd = [SYNC, *args, "--api-url", self.emu.url, "--twilio-api-url", self.emu.url]
        code, out = run_on_pty(cmd, self.dir, env or self.env(TERM="xterm"))
        self.outputs.append(out)
        return code, out


class Metrics(GitOpsCase):
    def test_after_a_successful_apply(self):
        before = time.time()
        p = self.sync("apply", "--auto-approve", "--metrics-file", self.prom, emulator=self.emu)
        self.assertExit(p, 0)
        with open(self.prom) as f:
            text = f.read()
        s, types = parse_prometheus(text)
        self.assertEqual(set(types.values()), {"gauge"})
        self.assertEqual(set(types), {
            "xuna_sync_last_run_timestamp_seconds", "xuna_sync_last_run_success",
            "xuna_sync_last_run_duration_seconds", "xuna_sync_actions", "xuna_sync_numbers",
            "xuna_sync_plan_changes", "xuna_sync_cutover_failed", "xuna_sync_batches_unknown",
            "xuna_sync_routing_drift", "xuna_sync_probation"})
        for name in types:
            self.assertIn(f"# HELP {name} ", text)
        self.assertEqual(gauge(s, "xuna_sync_last_run_success"), 1)
        self.assertGreaterEqual(gauge(s, "xuna_sync_last_run_timestamp_seconds"), before - 1)
        self.assertLessEqual(gauge(s, "xuna_sync_last_run_timestamp_seconds"), time.time() + 1)
        self.assertGreaterEqual(gauge(s, "xuna_sync_last_run_duration_seconds"), 0)
        self.assertLess(gauge(s, "xuna_sync_last_run_duration_seconds"), p.elapsed + 1)
        # 3 imports, 3 assigns (2 new numbers + the front desk moved from sales to support)
        expected = {("import", "ok"): 3, ("assign", "ok"): 3}
        for kind in ("import", "assign", "batch"):
            for result in ("ok", "failed", "skipped", "unknown"):
                self.assertEqual(gauge(s, "xuna_sync_actions", kind=kind, result=result),
                                 expected.get((kind, result), 0), (kind, result))
        self.assertEqual(gauge(s, "xuna_sync_plan_changes"), 6)
        self.assertEqual(gauge(s, "xuna_sync_numbers", state="managed"), 4)
        self.assertEqual(gauge(s, "xuna_sync_numbers", state="unmanaged"), 1)
        self.assertEqual(gauge(s, "xuna_sync_numbers", state="unchanged"), 0)

        # the next run has nothing to do: every mapped number unchanged, no actions
        self.assertExit(self.sync("apply", "--auto-approve", "--metrics-file", self.prom,
                                  emulator=self.emu), 0)
        s = self.metrics()
        self.assertEqual(gauge(s, "xuna_sync_last_run_success"), 1)
        self.assertEqual(gauge(s, "xuna_sync_plan_changes"), 0)
        self.assertEqual(gauge(s, "xuna_sync_numbers", state="unchanged"), 4)
        self.assertEqual(gauge(s, "xuna_sync_actions", kind="import", result="ok"), 0)
        self.assertNoSecrets(self.prom)

    def test_after_a_failed_apply(self):
        self.mapping(NUMBERS + NOT_OWNED)
        p = self.sync("apply", "--auto-approve", "--metrics-file", self.prom, emulator=self.emu)
        self.assertExit(p, 1)
        s = self.metrics()
        self.assertEqual(gauge(s, "xuna_sync_last_run_success"), 0)
        self.assertEqual(gauge(s, "xuna_sync_actions", kind="import", result="ok"), 3)
        not_ok = sum(gauge(s, "xuna_sync_actions", kind="import", result=r)
                     for r in ("failed", "skipped", "unknown"))
        self.assertEqual(not_ok, 1)
        self.assertEqual(gauge(s, "xuna_sync_numbers", state="managed"), 5)

    def test_after_a_refused_apply(self):
        p = self.sync("apply", "--auto-approve", "--max-changes", "0", "--metrics-file",
                      self.prom, emulator=self.emu)
        self.assertExit(p, 5)
        self.assertEqual(self.emu.writes(), [])
        s = self.metrics()
        self.assertEqual(gauge(s, "xuna_sync_last_run_success"), 0)
        self.assertEqual(gauge(s, "xuna_sync_plan_changes"), 6)
        self.assertEqual(sum(v for (name, _), v in s.items() if name == "xuna_sync_actions"), 0)

    def test_after_an_invalid_mapping_there_is_no_plan(self):
        self.mapping("  - phone_number: 5551234567\n")
        p = self.sync("apply", "--auto-approve", "--metrics-file", self.prom, emulator=self.emu)
        self.assertExit(p, 3)
        s = self.metrics()
        self.assertEqual(gauge(s, "xuna_sync_last_run_success"), 0)
        self.assertNotIn("xuna_sync_plan_changes", {name for name, _ in s})
        self.assertNotIn("xuna_sync_numbers", {name for name, _ in s})

    def test_plan_writes_them_too(self):
        p = self.sync("plan", "--detailed-exitcode", "--metrics-file", self.prom,
                      emulator=self.emu)
        self.assertExit(p, 2)  # changes are a success for plan
        s = self.metrics()
        self.assertEqual(gauge(s, "xuna_sync_last_run_success"), 1)
        self.assertEqual(gauge(s, "xuna_sync_plan_changes"), 6)
        self.assertEqual(gauge(s, "xuna_sync_actions", kind="import", result="ok"), 0)
        p = self.sync("plan", "--max-changes", "2", "--metrics-file", self.prom,
                      emulator=self.emu)
        self.assertExit(p, 5)
        self.assertEqual(gauge(self.metrics(), "xuna_sync_last_run_success"), 0)

    def test_replaced_atomically_with_nothing_left_behind(self):
        args = ("apply", "--auto-approve", "--metrics-file", self.prom)
        self.assertExit(self.sync(*args, "--max-changes", "0", emulator=self.emu), 5)
        first = os.stat(self.prom)
        self.assertEqual(first.st_mode & 0o777, 0o644)  # node_exporter runs as another user
        reader = open(self.prom)  # a collector that opened the old file mid-run
        self.assertExit(self.sync(*args, emulator=self.emu), 0)
        second = os.stat(self.prom)
        self.assertNotEqual(first.st_ino, second.st_ino, "replaced by rename, not rewritten")
        old = parse_prometheus(reader.read())[0]
        reader.close()
        self.assertEqual(gauge(old, "xuna_sync_last_run_success"), 0)  # still whole
        self.assertEqual(gauge(self.metrics(), "xuna_sync_last_run_success"), 1)
        self.assertEqual(os.listdir(os.path.dirname(self.prom)), ["xuna_sync.prom"])

    def test_a_run_that_finds_the_lock_held_leaves_the_file_to_the_holder(self):
        self.assertExit(self.sync("apply", "--auto-approve", "--metrics-file", self.prom,
                                  emulator=self.emu), 0)
        ino = os.stat(self.prom).st_ino
        harness.plant_lock(os.path.join(self.dir, "state", "state.db"), os.getpid(),
                           socket.gethostname())
        p = self.sync("apply", "--auto-approve", "--metrics-file", self.prom, emulator=self.emu)
        self.assertExit(p, 4)
        self.assertEqual(os.stat(self.prom).st_ino, ino)
        self.assertEqual(gauge(self.metrics(), "xuna_sync_last_run_success"), 1)

    def test_an_unwritable_folder_is_a_warning_not_a_failed_apply(self):
        missing = os.path.join(self.dir, "no-such-folder", "x.prom")
        p = self.sync("apply", "--auto-approve", "--metrics-file", missing, emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("warning: metrics: cannot write " + missing, p.stderr)
        self.assertEqual(os.listdir(self.dir).count("no-such-folder"), 0)


class Reports(GitOpsCase):
    def test_json_logs_are_one_object_per_line_without_secrets(self):
        self.mapping(NUMBERS + NOT_OWNED)
        runs = [
            self.sync("apply", "--auto-approve", "--log-format", "json", "--max-changes", "0",
                      emulator=self.emu),
            self.sync("apply", "--auto-approve", "--log-format", "json", "--verbose",
                      emulator=self.emu),
            self.sync("plan", "--log-format", "json", emulator=self.emu,
                      env=self.env(XUNA_API_KEY="xk_wrong_" + self.api_key[::-1])),
            # mapping diagnostics and usage errors are log lines too
            self.sync("plan", "--log-format=json", "-f", self.write("bad.yaml", BAD_MAPPING),
                      emulator=self.emu),
            self.sync("apply", "--bogus", "--log-format", "json"),
        ]
        self.assertEqual([p.returncode for p in runs], [5, 1, 1, 3, 3])
        self.assertIn(os.path.join(self.dir, "bad.yaml") +
                      ":3:5: unknown key 'agnet' (did you mean 'agent'?)",
                      [json.loads(l)["msg"] for l in runs[3].stderr.splitlines()])
        self.assertIn("unknown option '--bogus'", runs[4].stderr)
        levels = set()
        for p in runs:
            lines = p.stderr.splitlines()
            self.assertTrue(lines, p)
            for line in lines:
                obj = json.loads(line)
                self.assertIsInstance(obj, dict, line)
                self.assertEqual(list(obj)[:3], ["ts", "level", "msg"], line)
                self.assertRegex(obj["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
                self.assertIn(obj["level"], ("error", "warning", "info", "debug"))
                levels.add(obj["level"])
                self.assertNotIn(self.api_key[::-1], line)
        self.assertTrue({"error", "debug"} <= levels, levels)
        self.assertNoSecrets()

    def test_apply_json_report_has_every_action_with_its_outcome_and_the_summary(self):
        self.mapping(NUMBERS + NOT_OWNED)
        plan = json.loads(self.sync("plan", "--format", "json", emulator=self.emu).stdout)
        p = self.sync("apply", "--auto-approve", "--format", "json", emulator=self.emu)
        self.assertExit(p, 1)
        report = json.loads(p.stdout)  # stdout is the report and nothing else
        self.assertEqual(report["format_version"], 1)
        self.assertEqual(report["api_url"], self.emu.url)
        actions = report["actions"]
        planned = {(a["action"], a["phone_number"]) for a in plan["actions"]}
        self.assertTrue(planned <= {(a["action"], a["phone_number"]) for a in actions})
        for a in actions:
            self.assertIn(a["outcome"], ("ok", "failed", "skipped", "unknown"), a)
            if a["outcome"] != "ok":
                self.assertTrue(a["error"], a)
        bad = [a for a in actions if a["outcome"] != "ok"]
        self.assertEqual({a["phone_number"] for a in bad}, {"+15559990000"})
        summary = report["summary"]
        self.assertEqual(set(summary), {"ok", "failed", "skipped", "unknown"})
        self.assertEqual(sum(summary.values()), len(actions))
        self.assertEqual(summary["ok"], len([a for a in actions if a["outcome"] == "ok"]))
        self.assertEqual(summary["ok"], 6)
        self.assertNoSecrets()

    def test_no_colour_with_no_color_or_flag_but_colour_on_a_terminal(self):
        code, coloured = self.sync_on_pty("plan")
        self.assertEqual(code, 0, coloured)
        self.assertIn(ESC, coloured, "a terminal gets colours")
        self.assertIn("+ import", coloured)
        for variant in (self.sync_on_pty("plan", env=self.env(TERM="xterm", NO_COLOR="1")),
                        self.sync_on_pty("plan", "--no-color")):
            code, out = variant
            self.assertEqual(code, 0, out)
            self.assertIn("+ import", out)
            self.assertNotIn("\x1b", out)
        # and the apply report on a terminal, with NO_COLOR
        code, out = self.sync_on_pty("apply", "--auto-approve",
                                     env=self.env(TERM="xterm", NO_COLOR="1"))
        self.assertEqual(code, 0, out)
        self.assertIn("Apply: 6 ok", out)
        self.assertNotIn("\x1b", out)
        # not a terminal: no colour either
        p = self.sync("plan", emulator=self.emu, env=self.env(TERM="xterm"))
        self.assertNotIn("\x1b", p.stdout + p.stderr)


REASSIGNED = [{"phone_number_id": f"phnum_{i}", "phone_number": f"+1555000{i:04d}",
               "label": f"Line {i}", "agent_id": SUPPORT} for i in range(10)]


class Guards(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator(self.fixture(existing=REASSIGNED))

    def map_moving(self, moved):
        """Maps the ten assigned numbers, moving the first `moved` to sales."""
        self.mapping("".join(
            f'  - phone_number: "{n["phone_number"]}"\n    label: {n["label"]}\n'
            f'    agent: {"sales" if i < moved else "support"}\n'
            for i, n in enumerate(REASSIGNED)))

    def test_max_changes_refuses_before_anything_is_sent(self):
        self.map_moving(2)
        for args in (["plan"], ["apply", "--auto-approve"]):
            p = self.sync(*args, "--max-changes", "1", emulator=self.emu)
            self.assertExit(p, 5)
            self.assertIn("the plan has 2 actions, more than --max-changes 1", p.stderr)
            self.assertIn("raise --max-changes", p.stderr)
        self.assertEqual(self.emu.writes(), [])
        self.assertExit(self.sync("apply", "--auto-approve", "--max-changes", "2",
                                  emulator=self.emu), 0)
        self.assertEqual(len(self.emu.writes()), 2)

    def test_reassigning_more_than_30_percent_is_refused_and_force_lifts_it(self):
        self.map_moving(4)
        for args in (["plan"], ["apply", "--auto-approve"]):
            p = self.sync(*args, emulator=self.emu)
            self.assertExit(p, 5)
            self.assertIn("moves 4 of the 10 numbers that have an agent to another agent "
                          "(40%, more than 30%)", p.stderr)
            self.assertIn("--force", p.stderr)
        self.assertEqual(self.emu.writes(), [], "refused: nothing sent")
        self.assertExit(self.sync("plan", "--max-reassign-percent", "40", emulator=self.emu), 0)
        p = self.sync("apply", "--auto-approve", "--force", emulator=self.emu)
        self.assertExit(p, 0)
        writes = self.emu.writes()
        self.assertEqual(sorted((w["method"], w["path"]) for w in writes),
                         [("PATCH", f"/v1/convai/phone-numbers/phnum_{i}") for i in range(4)])
        live = self.emu.numbers()
        self.assertEqual([live[f"+1555000{i:04d}"]["agent_id"] for i in range(5)],
                         [SALES] * 4 + [SUPPORT])

    def test_the_bound_is_more_than_30_percent_and_can_be_raised(self):
        self.map_moving(3)  # exactly 30%: allowed
        self.assertExit(self.sync("plan", emulator=self.emu), 0)
        self.map_moving(5)
        self.assertExit(self.sync("plan", emulator=self.emu), 5)
        self.assertExit(self.sync("plan", "--max-reassign-percent", "50", emulator=self.emu), 0)
        self.assertEqual(self.emu.writes(), [])

    def test_fewer_than_ten_assigned_numbers_are_not_guarded(self):
        self.emu.stop()
        self.emulators.remove(self.emu)
        self.emu = self.start_emulator(self.fixture(existing=REASSIGNED[:9]))
        self.mapping("".join(f'  - phone_number: "{n["phone_number"]}"\n'
                             f'    label: {n["label"]}\n    agent: sales\n'
                             for n in REASSIGNED[:9]))
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.assertEqual(len(self.emu.writes()), 9)


def contrib(name):
    with open(os.path.join(CONTRIB, name)) as f:
        return f.read()


class Contrib(Case):
    """The files in contrib/, with their fixed paths swapped for this test's temp dir."""

    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator(self.fixture(existing=EXISTING))
        self.mapping(NUMBERS)
        self.env_file = self.write("etc/env", f"export XUNA_API_KEY={self.api_key}\n"
                                              f"export TWILIO_MAIN_AUTH_TOKEN={self.twilio_token}\n")
        for d in ("var/lib/xuna-sync", "textfile"):
            os.makedirs(os.path.join(self.dir, d))

    def localize(self, text):
        """contrib paths -> this test's files."""
        for path, local in (
                ("/usr/bin/xuna-sync", os.path.abspath(SYNC)),
                ("/etc/xuna-sync/mappings", os.path.join(self.dir, "mappings")),
                ("/etc/xuna-sync/env", self.env_file),
                ("/var/lib/xuna-sync", os.path.join(self.dir, "var/lib/xuna-sync")),
                ("/var/lib/node_exporter/textfile_collector", os.path.join(self.dir, "textfile"))):
            text = text.replace(path, local)
        return text

    def bare_env(self, **extra):
        """What cron or systemd gives: no XUNA_* or Twilio secrets of the test's own."""
        env = self.env(XUNA_API_KEY=None, TWILIO_MAIN_AUTH_TOKEN=None, XUNA_SYNC_STATE=None)
        env.update(XUNA_API_URL=self.emu.url, TWILIO_API_URL=self.emu.url, **extra)
        return env

    def metrics_success(self):
        with open(os.path.join(self.dir, "textfile", "xuna_sync.prom")) as f:
            return gauge(parse_prometheus(f.read())[0], "xuna_sync_last_run_success")

    def test_systemd_units_verify_and_exec_start_runs(self):
        service = contrib("xuna-sync.service")
        exec_start = [l for l in service.splitlines() if l.startswith("ExecStart=")]
        self.assertEqual(len(exec_start), 1)
        self.assertIn("EnvironmentFile=/etc/xuna-sync/env", service)
        self.assertIn("ProtectSystem=strict", service)
        self.assertIn("StateDirectory=xuna-sync", service)
        self.assertIn("OnUnitInactiveSec=5min", contrib("xuna-sync.timer"))
        # the command, as systemd would run it, with the secrets from the environment file
        argv = shlex.split(self.localize(exec_start[0][len("ExecStart="):]))
        self.assertEqual(argv[1:4], ["apply", "--auto-approve", "--quiet"])
        env = self.bare_env()
        with open(self.env_file) as f:
            for line in f:
                k, v = line.replace("export ", "").strip().split("=", 1)
                env[k] = v
        p = subprocess.run(argv, cwd="/", env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
        self.outputs += [p.stdout, p.stderr]
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(without_number_warnings(p.stderr), "",
                         "--quiet: nothing to say when all is well")
        self.assertEqual(self.metrics_success(), 1)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "var/lib/xuna-sync/state.db")))

        analyze = shutil.which("systemd-analyze")
        if not analyze:
            self.skipTest("systemd-analyze is not installed")
        units = os.path.join(self.dir, "units")
        os.makedirs(units)
        for name in ("xuna-sync.service", "xuna-sync.timer"):
            with open(os.path.join(units, name), "w") as f:
                f.write(contrib(name).replace("/usr/bin/xuna-sync", os.path.abspath(SYNC)))
        man = os.path.join(os.path.dirname(os.path.abspath(SYNC)), "xuna-sync.1")
        args = [analyze, "verify"]
        env = dict(os.environ)
        if os.path.exists(man):  # Documentation=man:xuna-sync(1) is checked with man
            os.makedirs(os.path.join(self.dir, "man", "man1"))
            shutil.copy(man, os.path.join(self.dir, "man", "man1"))
            env["MANPATH"] = os.path.join(self.dir, "man")
        else:
            args.append("--man=no")
        p = subprocess.run(args + [os.path.join(units, n) for n in ("xuna-sync.service",
                                                                    "xuna-sync.timer")],
                           env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(p.stdout + p.stderr, "", "verify warns of unknown keys, and exits 0")

    def test_crontab_line_runs_and_a_held_lock_gives_exit_4(self):
        lines = [l for l in contrib("crontab.example").splitlines()
                 if l.strip() and not l.startswith("#") and "=" not in l.split()[0]]
        self.assertEqual(len(lines), 1, lines)
        fields = lines[0].split(None, 5)
        self.assertEqual(fields[:5], ["*/5", "*", "*", "*", "*"])
        command = self.localize(fields[5])
        self.assertIn("flock -n", command)
        if not shutil.which("flock"):
            self.skipTest("flock is not installed")
        run = lambda: subprocess.run(["/bin/sh", "-c", command], cwd="/", env=self.bare_env(),
                                     stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                     timeout=60)
        p = run()
        self.outputs += [p.stdout, p.stderr]
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.metrics_success(), 1)
        # a run still going (it holds the flock): the next one starts nothing and exits 4
        lock = os.path.join(self.dir, "var/lib/xuna-sync/cron.lock")
        self.assertIn(lock, command)
        self.emu.clear_requests()
        with open(lock, "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            p = run()
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertEqual(self.emu.requests(), [])
        # the tool's own lock gives the same exit code when a run holds it by another route
        harness.plant_lock(os.path.join(self.dir, "var/lib/xuna-sync/state.db"), os.getpid(),
                           socket.gethostname())
        p = run()
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("another apply holds the lock", p.stderr)
        self.assertNoSecrets()

    def test_ci_workflow_parses_and_its_plan_step_works(self):
        try:
            import yaml
        except ImportError:
            self.skipTest("PyYAML is not installed")
        doc = yaml.safe_load(contrib("ci/github-actions.yml"))
        triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
        self.assertIn("pull_request", triggers)
        self.assertEqual(triggers["push"]["branches"], ["main"])
        plan_job, apply_job = doc["jobs"]["plan"], doc["jobs"]["apply"]
        self.assertIn("pull_request", plan_job["if"])
        self.assertIn("refs/heads/main", apply_job["if"])
        runs = lambda job: "\n".join(s.get("run", "") for s in job["steps"])
        self.assertIn("xuna-sync plan --detailed-exitcode --format markdown --out PLAN.json",
                      runs(plan_job))
        self.assertIn("xuna-sync apply PLAN.json", runs(apply_job))  # the reviewed plan
        self.assertTrue(any("github-script" in s.get("uses", "") for s in plan_job["steps"]))
        self.assertIn("concurrency", apply_job)
        # the state lives in PostgreSQL (runners keep no files): a DSN and a password from
        # secrets, no cache
        self.assertRegex(doc["env"]["XUNA_SYNC_STATE"], r"^\$\{\{ secrets\.\w+ \}\}$")
        self.assertRegex(doc["env"]["PGPASSWORD"], r"^\$\{\{ secrets\.\w+ \}\}$")
        for job in (plan_job, apply_job):
            self.assertFalse([s for s in job["steps"] if "cache" in s.get("uses", "")])
        self.assertIn("postgresql://", contrib("ci/github-actions.yml"))
        for name in ("xuna-sync.service", "crontab.example"):  # both choices told
            self.assertIn("postgresql://", contrib(name))
            self.assertIn("PGPASSWORD", contrib(name))

        # the plan step, run by bash as the runner would, with xuna-sync on the PATH
        step = next(s for s in plan_job["steps"] if s.get("id") == "plan")
        bindir = os.path.join(self.dir, "bin")
        os.makedirs(bindir)
        os.symlink(os.path.abspath(SYNC), os.path.join(bindir, "xuna-sync"))
        outputs = os.path.join(self.dir, "github_output")

        def plan_step(**env):
            # GitHub's `shell: bash`: bash --noprofile --norc -eo pipefail {0}
            p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                step["run"]], cwd=self.dir,
                               env=self.env(PATH=bindir + ":" + os.environ["PATH"],
                                            GITHUB_OUTPUT=outputs, XUNA_API_URL=self.emu.url,
                                            TWILIO_API_URL=self.emu.url, **env),
                               capture_output=True, text=True, timeout=60)
            self.outputs += [p.stdout, p.stderr]
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(outputs) as f:
                code = f.read().strip().splitlines()[-1]
            with open(os.path.join(self.dir, "plan.md")) as f:
                return code, f.read()

        code, comment = plan_step()
        self.assertEqual(code, "exitcode=2")
        self.assertTrue(comment.startswith("<!-- xuna-sync plan -->"))  # the comment's marker
        self.assertIn("**Safety checks:** passed", comment)
        self.assertIn("| \\+15551234567 |", comment)
        self.assertNotIn("\x1b", comment)
        with open(os.path.join(self.dir, "PLAN.json")) as f:  # the artifact
            self.assertIn("+15551234567", f.read())
        self.map_many_moves()
        code, comment = plan_step()
        self.assertEqual(code, "exitcode=5")
        self.assertIn("**Safety checks:** refused: apply would refuse this plan", comment)
        self.assertIn("\\-\\-force", comment)
        # no plan at all (an invalid mapping): the comment says why
        self.write("mappings/main.yaml", "version: 2\n")
        code, comment = plan_step()
        self.assertEqual(code, "exitcode=3")
        self.assertTrue(comment.startswith("<!-- xuna-sync plan -->\n### xuna-sync plan failed (exit 3)"))
        self.assertNoSecrets()

    def map_many_moves(self):
        """The guard's case: 10 numbers with an agent, a mapping that moves all of them."""
        self.emu.stop()
        self.emulators.remove(self.emu)
        self.emu = self.start_emulator(self.fixture(existing=REASSIGNED))
        self.mapping("".join(f'  - phone_number: "{n["phone_number"]}"\n'
                             f'    label: {n["label"]}\n    agent: sales\n' for n in REASSIGNED))

    def test_man_page_has_every_command(self):
        man = os.path.join(os.path.dirname(os.path.abspath(SYNC)), "xuna-sync.1")
        if not os.path.exists(man):
            self.skipTest("no xuna-sync.1 next to the binary (built by the 'man' target)")
        with open(man) as f:
            roff = f.read()
        self.assertTrue(roff.startswith('.\\" Generated by scripts/make-man.sh'))
        overview = self.sync("--help").stdout
        commands = re.findall(r"^  ([a-z]+)  ", overview.split("Commands:")[1].split("\n\n")[0],
                              re.M)
        self.assertGreaterEqual(len(commands), 7)
        for c in commands:
            self.assertIn(f".SS {c} \\(em ", roff)
        self.assertIn("metrics\\-file", roff)
        if shutil.which("man"):
            p = subprocess.run(["man", "-l", man], capture_output=True, text=True,
                               env=dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0"),
                               timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            text = re.sub(r".\x08", "", p.stdout).replace("\u2212", "-").replace("\u2010", "-")
            for section in ("NAME", "SYNOPSIS", "COMMANDS", "COMMON OPTIONS", "EXIT STATUS"):
                self.assertIn("\n" + section + "\n", "\n" + text)
            self.assertIn("xuna-sync apply [-f PATH]...", text)


if __name__ == "__main__":
    main()

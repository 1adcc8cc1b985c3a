"""The API key and the Twilio tokens never reach stdout, stderr (any level, text or JSON), plan
files or the SQLite file and its -wal/-shm: every command, with --verbose and with
--log-format json, on success and on failure (a wrong Twilio token, 5xx faults, a kill -9)."""
import os
import secrets
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCOUNT_SID, SUPPORT, SYNC, Case, main  # noqa: E402

OTHER_SID = "AC" + "1" * 32
WINDOW = 10  # no 10 characters in a row of a secret may appear anywhere


class Secrets(Case):
    def setUp(self):
        super().setUp()
        self.wrong_token = secrets.token_hex(16)  # what the environment says for 'other'
        self.other_token = secrets.token_hex(16)  # what Twilio really has for it
        fx = self.fixture()
        fx["twilio_accounts"].append({
            "account_sid": OTHER_SID, "auth_token": self.other_token,
            "numbers": [{"phone_number": "+15553330000"}]})
        self.emu = self.start_emulator(fx, ["--seed", "9"])
        self.write("mappings/main.yaml", f"""version: 1
twilio_accounts:
  main:
    account_sid: {ACCOUNT_SID}
    auth_token_env: TWILIO_MAIN_AUTH_TOKEN
  other:
    account_sid: {OTHER_SID}
    auth_token_env: TWILIO_OTHER_AUTH_TOKEN
agents:
  support: {SUPPORT}
defaults:
  twilio_account: main
numbers:
  - phone_number: "+15551234567"
    label: Support
    agent: support
  - phone_number: "+15551234568"
    label: Sales
    agent: support
  - phone_number: "+15551234569"
    label: After hours
  - phone_number: "+15553330000"
    label: Wrong token
    agent: support
    twilio_account: other
""")
        self.files = []

    def env(self, **overrides):
        env = super().env(**overrides)
        env.setdefault("TWILIO_OTHER_AUTH_TOKEN", self.wrong_token)
        return env

    def secret_values(self):
        return {"XUNA_API_KEY": self.api_key, "TWILIO_MAIN_AUTH_TOKEN": self.twilio_token,
                "TWILIO_OTHER_AUTH_TOKEN": self.wrong_token}

    def snapshot_state(self, tag):
        """Copies the state files as they are now (a -wal survives only a killed run)."""
        state_dir = os.path.join(self.dir, "state")
        for name in sorted(os.listdir(state_dir)) if os.path.isdir(state_dir) else []:
            with open(os.path.join(state_dir, name), "rb") as f:
                path = os.path.join(self.dir, f"snapshot-{tag}-{name}")
                with open(path, "wb") as out:
                    out.write(f.read())
                self.files.append(path)

    def everything(self, flags):
        """Every command once with these logging flags; failures included."""
        out = os.path.join(self.dir, f"plan{len(self.files)}.json")
        self.files.append(out)
        self.sync("validate", *flags)
        self.assertExit(self.sync("plan", *flags, "--out", out, emulator=self.emu), 1)
        self.sync("plan", *flags, "--format", "json", emulator=self.emu)
        self.emu.set_faults(error_rate=0.5)
        p = self.sync("apply", *flags, "--auto-approve", emulator=self.emu)
        self.assertExit(p, 1)
        self.emu.set_faults(error_rate=0)
        self.sync("apply", *flags, "--auto-approve", "--format", "json", emulator=self.emu)
        self.assertEqual(self.emu.numbers()["+15551234567"]["agent_id"], SUPPORT)
        self.sync("apply", *flags, out, emulator=self.emu)  # stale by now: refused
        self.sync("history", *flags)
        self.sync("history", *flags, "--format", "json")
        self.sync("state", "show", *flags)
        self.sync("export", *flags, emulator=self.emu)
        self.sync("discover", *flags, "--twilio-account", "main", emulator=self.emu)
        self.sync("discover", *flags, "--twilio-account", "other", emulator=self.emu)
        self.snapshot_state("after")

    def killed_apply(self):
        """An apply killed mid-way: its -wal and -shm are left as they were. Three numbers, one
        request at a time: killed at least three answers (300 ms) before its last intent, whose
        writing empties the WAL (issue 23)."""
        self.emu.set_faults(latency_ms=100)
        self.emu.clear_requests()
        self.write("mappings/more.yaml", """version: 1
numbers:
  - phone_number: "+15551234570"
    label: Billing
    agent: support
    twilio_account: main
  - phone_number: "+15551234571"
    label: Returns
    agent: support
    twilio_account: main
  - phone_number: "+15550001111"
    label: Claims
    agent: support
    twilio_account: main
""")
        proc = subprocess.Popen([SYNC, "apply", "--auto-approve", "--verbose", "--parallelism", "1",
                                 "--api-url", self.emu.url, "--twilio-api-url", self.emu.url],
                                cwd=self.dir, env=self.env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 20
        while not self.emu.writes() and time.time() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        self.outputs += [out, err]
        wal = os.path.join(self.dir, "state", "state.db-wal")
        self.assertTrue(os.path.exists(wal), "a killed run leaves its -wal")
        self.assertGreater(os.path.getsize(wal), 0)
        self.snapshot_state("killed")
        self.emu.set_faults(latency_ms=0)

    def assertNothingLeaks(self):
        blobs = [("output", b) for b in self.outputs]
        state_dir = os.path.join(self.dir, "state")
        paths = self.files + ([os.path.join(state_dir, f) for f in os.listdir(state_dir)]
                              if os.path.isdir(state_dir) else [])
        for path in paths:
            if os.path.exists(path):
                with open(path, "rb") as f:
                    blobs.append((path, f.read().decode("latin-1")))
        for name, value in self.secret_values().items():
            windows = {value[i:i + WINDOW] for i in range(len(value) - WINDOW + 1)}
            for where, blob in blobs:
                for w in windows:
                    self.assertNotIn(w, blob, f"part of {name} in {where}")

    def test_no_secret_anywhere_with_verbose_text_logs(self):
        self.everything(["--verbose"])
        self.killed_apply()
        self.everything(["--verbose"])
        self.assertIn("debug", "".join(self.outputs))
        self.assertNothingLeaks()

    def test_no_secret_anywhere_with_json_logs(self):
        self.everything(["--log-format", "json"])
        self.everything(["--verbose", "--log-format", "json"])
        self.killed_apply()
        self.assertIn('"level":"debug"', "".join(self.outputs))
        self.assertIn('"level":"info"', "".join(self.outputs))
        self.assertNothingLeaks()

    def test_failures_name_the_variable_not_the_value(self):
        p = self.sync("plan", emulator=self.emu, env=self.env(TWILIO_MAIN_AUTH_TOKEN=None))
        self.assertExit(p, 3)
        self.assertIn("TWILIO_MAIN_AUTH_TOKEN", p.stderr)
        p = self.sync("plan", "--verbose", emulator=self.emu)
        self.assertExit(p, 1)
        self.assertIn("+15553330000", p.stdout + p.stderr)
        self.assertIn("TWILIO_OTHER_AUTH_TOKEN", p.stdout + p.stderr)
        p = self.sync("plan", "--verbose", emulator=self.emu,
                      env=self.env(XUNA_API_KEY="xk_" + self.wrong_token))
        self.assertExit(p, 1)
        self.assertIn("401", p.stderr)
        self.assertNothingLeaks()


if __name__ == "__main__":
    main()

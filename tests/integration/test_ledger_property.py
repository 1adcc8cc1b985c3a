"""A seeded property test of the campaign promise, through the real binaries: random edits
(chunk size, zones, windows open or closed, recipients added or removed, message changed)
and random faults (kill -9 mid-apply, 5xx, answers dropped after the server acted, every kind
of 2xx the tool cannot read), several runs each, against an emulator that does not honour
Idempotency-Key. Invariant, counted at the server: nobody is dialled twice; at the end every
recipient that is due is dialled or reported unknown.

XS_LEDGER_SEEDS (default "1,7,23") and XS_LEDGER_ROUNDS (default 10) size it; scripts/bench.sh
runs a longer one."""
import datetime
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import SYNC, Case, main  # noqa: E402

SEEDS = [int(s) for s in os.environ.get("XS_LEDGER_SEEDS", "1,7,23").split(",")]
ROUNDS = int(os.environ.get("XS_LEDGER_ROUNDS", "10"))
FROM = "+12125550100"
POOL = [f"+121255502{i:02d}" for i in range(30)]
ZONES = ["Etc/UTC", "Etc/GMT-12"]  # with the window below: open in the first, closed in the second
FAULTS = ["none", "none", "kill", "kill", "error", "drop", "empty", "id-only", "text", "error-after"]


class Property(Case):
    def run_seed(self, seed):
        rng = random.Random(seed)
        emu = self.start_emulator(self.fixture(owned=[FROM]),
                                  extra_args=("--no-idempotency", "--latency-ms", "15",
                                              "--seed", str(seed)))
        hour = datetime.datetime.now(datetime.timezone.utc).hour
        window = f'{{from: "{(hour - 2) % 24:02d}:00", to: "{(hour + 3) % 24:02d}:00", timezone: "@ZONE@"}}'
        recipients = {n: rng.choice([None] + ZONES) for n in rng.sample(POOL, 12)}
        campaign_zone, message = "Etc/UTC", "Hi"
        env = self.env(XUNA_SYNC_STATE=os.path.join(self.dir, f"state-{seed}.db"))

        def write():
            calls = ""
            for n, zone in sorted(recipients.items()):
                calls += f'      - to: "{n}"\n        first_message: "{message}"\n'
                if zone:
                    calls += f'        timezone: "{zone}"\n'
            self.mapping(f"""  - phone_number: "{FROM}"
    label: Outbound
batch_calls:
  - name: renewals
    agent: support
    from: "{FROM}"
    calling_hours: {window.replace("@ZONE@", campaign_zone)}
    calls:
{calls}""")

        def apply(*args, kill_after=None):
            cmd = [os.path.abspath(SYNC), "apply", "--auto-approve",
                   "--api-url", emu.url, "--twilio-api-url", emu.url, "--timeout", "5", *args]
            proc = subprocess.Popen(cmd, cwd=self.dir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if kill_after is not None:
                time.sleep(kill_after)
                proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate(timeout=120)
            self.outputs += [out, err]
            return proc.returncode

        def check(when):
            dials = emu._admin("GET", "/_emulator/dials")
            twice = {n: c for n, c in dials.items() if c > 1}
            self.assertEqual(twice, {}, f"seed {seed}, {when}: dialled more than once")
            return dials

        write()
        apply()  # imports the from number (and may already dial)
        for rnd in range(ROUNDS):
            edit = rng.choice(["chunk", "zone", "recipient_zone", "add", "remove", "message", "none"])
            if edit == "zone":
                campaign_zone = rng.choice(ZONES)
            elif edit == "recipient_zone":
                recipients[rng.choice(sorted(recipients))] = rng.choice([None] + ZONES)
            elif edit == "add":
                recipients.setdefault(rng.choice(POOL), rng.choice([None] + ZONES))
            elif edit == "remove" and len(recipients) > 2:
                del recipients[rng.choice(sorted(recipients))]
            elif edit == "message":
                message = f"Hi, round {rnd}"
            write()
            for _ in range(2):
                fault = rng.choice(FAULTS)
                faults = {"error_rate": 0, "drop_rate": 0, "batch_answer": "json"}
                if fault == "error":
                    faults["error_rate"] = 0.3
                elif fault == "drop":
                    faults["drop_rate"] = 0.3
                elif fault in ("empty", "id-only", "text"):
                    faults["batch_answer"] = fault
                elif fault == "error-after":
                    faults["batch_answer"] = "error"
                emu.set_faults(**faults)
                chunk = str(rng.choice([1, 2, 3, 5, 1000]))
                apply("--batch-chunk", chunk,
                      kill_after=rng.uniform(0.05, 0.6) if fault == "kill" else None)
                check(f"round {rnd} ({edit}, {fault}, chunk {chunk})")
        # The end: no faults, every window open; what is due is dialled or reported unknown.
        emu.set_faults(error_rate=0, drop_rate=0, batch_answer="json")
        campaign_zone = "Etc/UTC"
        recipients = {n: None for n in recipients}
        write()
        for _ in range(2):
            apply()
        dials = check("the end")
        with sqlite3.connect(os.path.join(self.dir, f"state-{seed}.db")) as db:
            status = dict(db.execute("SELECT recipient, status FROM campaign_calls "
                                     "WHERE campaign = 'renewals'"))
        for n in recipients:
            self.assertTrue(dials.get(n) == 1 or status.get(n) == "unknown",
                            f"seed {seed}: {n} neither dialled nor unknown ({status.get(n)})")
        unknown = sum(1 for n in recipients if status.get(n) == "unknown")
        print(f"  seed {seed}: {len(recipients)} recipients at the end, {len(dials)} numbers "
              f"dialled once each, {unknown} unknown", file=sys.stderr)

    def test_nobody_is_dialled_twice_whatever_happens(self):
        for seed in SEEDS:
            with self.subTest(seed=seed):
                self.run_seed(seed)
        self.assertNoSecrets()


if __name__ == "__main__":
    main()

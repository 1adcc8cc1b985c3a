"""A state written by the chunk-index version (schema 3, fixtures/chunk_state_v3.sql, made by
fixtures/make_chunk_state.py with that version's binaries) upgraded by this one: no recipient
recorded as sent before the upgrade is dialled after it; chunks that can be mapped to their
recipients with certainty become sent (or unknown); those that cannot make every recipient
they may have carried unknown. Dials are counted at an emulator that does not honour
Idempotency-Key."""
import hashlib
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import ACCOUNT_SID, SUPPORT, Case, main  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")
FROM = ["+12125550100", "+12125550200", "+12125550300"]


class Upgrade(Case):
    def setUp(self):
        super().setUp()
        existing = [{"phone_number": n, "label": f"Outbound {c}", "twilio_account_sid": ACCOUNT_SID}
                    for n, c in zip(FROM, "ABC")]
        self.emu = self.start_emulator(self.fixture(owned=FROM, existing=existing),
                                       extra_args=("--no-idempotency",))
        with open(os.path.join(FIXTURES, "chunk_state_mapping.yaml")) as f:
            mapping = f.read()
        # the window of the old runs is not part of any digest; "gone" now points at an agent
        # the server knows, so the refused campaign can go
        mapping = (mapping.replace("@ACCOUNT_SID@", ACCOUNT_SID).replace("    @WINDOW@\n", "")
                   .replace("agent_9909k5zvyjhmfg983brhmhkd9999", SUPPORT))
        self.write("mappings/main.yaml", mapping)
        fp = hashlib.sha256(("xuna-sync key fingerprint v1:" + self.api_key).encode()).hexdigest()[:16]
        with open(os.path.join(FIXTURES, "chunk_state_v3.sql")) as f:
            sql = f.read().replace("@API_URL@", self.emu.url).replace("@KEY_FP@", fp)
        self.state = os.path.join(self.dir, "state", "state.db")
        os.makedirs(os.path.dirname(self.state))
        with sqlite3.connect(self.state) as db:
            db.executescript(sql)
        os.chmod(self.state, 0o600)

    def apply(self, *args):
        return self.sync("apply", "--auto-approve", *args, emulator=self.emu)

    def dials(self):
        return self.emu._admin("GET", "/_emulator/dials")

    def ledger(self):
        with sqlite3.connect(self.state) as db:
            return {(c, r): s for c, r, s in db.execute(
                "SELECT campaign, recipient, status FROM campaign_calls")}

    def test_nobody_recorded_before_the_upgrade_is_dialled_after_it(self):
        with sqlite3.connect(self.state) as db:
            self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 3)
        p = self.sync("plan", emulator=self.emu)
        self.assertExit(p, 0)
        out = p.stdout + p.stderr
        self.assertIn("outcome unknown for 4 recipients", out)  # resized: cannot be mapped
        self.assertIn("outcome unknown for 2 recipients", out)  # unknown: its chunk's
        p = self.apply()
        self.assertExit(p, 1)  # unknown campaigns are a pending change
        # zones: only the zone whose chunk was not sent; refused: its chunk dialled nobody
        self.assertEqual(self.dials(), {"+12125550121": 1, "+12125550122": 1,
                                        "+12125550131": 1, "+12125550132": 1})
        ledger = self.ledger()
        for n in ("+12125550111", "+12125550112", "+12125550113", "+12125550123", "+12125550124"):
            self.assertEqual(ledger[(self.campaign_of(n), n)], "sent", n)
        for n in ("+12125550141", "+12125550142", "+12125550143", "+12125550144",
                  "+12125550151", "+12125550152"):
            self.assertEqual(ledger[(self.campaign_of(n), n)], "unknown", n)
        with sqlite3.connect(self.state) as db:
            self.assertEqual(db.execute("SELECT COUNT(*) FROM batches").fetchone()[0], 0)
        for chunk in ("1", "1000", "2"):  # whatever the chunk size now: nobody again
            self.apply("--batch-chunk", chunk)
        self.assertEqual(sum(self.dials().values()), 4)
        h = self.sync("history", "--campaign", "certain", "--format", "csv")
        self.assertExit(h, 0)
        self.assertIn("chunk 1 before the ledger", h.stdout)

    @staticmethod
    def campaign_of(number):
        return {"11": "certain", "12": "zones", "13": "refused", "14": "resized",
                "15": "unknown"}[number[-3:-1]]


if __name__ == "__main__":
    main()

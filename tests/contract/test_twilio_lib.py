"""Twilio's official Node helper library (npm twilio@6) against xuna-emulator: its own paging
and error handling work on what the emulator serves, so the emulator speaks Twilio and not just
our client's idea of it."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, harness, node_env, setup_npm  # noqa: E402

ACCOUNT_SID = harness.ACCOUNT_SID
KEY_SID = "SK" + "0123456789abcdef" * 2
OWNED = ["+15551234567", "+15550001111", "+15551234570", "+15559876543", "+15551234568",
         "+15550002222", "+447700900123"]


class TwilioLibrary(harness.Case):
    def setUp(self):
        super().setUp()
        self.key_secret = "ks_" + os.urandom(12).hex()
        fx = self.fixture(owned=OWNED)
        fx["twilio_accounts"][0]["api_keys"] = [{"sid": KEY_SID, "secret": self.key_secret}]
        self.emu = self.start_emulator(fx)

    def run_library(self, username, password, page_size=2):
        p = subprocess.run(["node", os.path.join(HERE, "twilio_lib.js"), self.emu.url, username,
                            password, ACCOUNT_SID, str(page_size)],
                           env=node_env(), capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_list_pages_through_every_number(self):
        out = self.run_library(ACCOUNT_SID, self.twilio_token)
        self.assertNotIn("error", out)
        self.assertEqual([n["phoneNumber"] for n in out["numbers"]], sorted(OWNED))
        for n in out["numbers"]:
            self.assertEqual(n["friendlyName"], "Owned " + n["phoneNumber"])
            self.assertEqual(n["accountSid"], ACCOUNT_SID)
            self.assertTrue(n["sid"].startswith("PN"), n)
            self.assertEqual((n["voice"], n["status"]), (True, "in-use"))
        # 7 numbers at 2 a page: the library followed next_page_uri three times
        reqs = [r for r in self.emu.requests() if r["path"].startswith("/2010-04-01/")]
        self.assertEqual(len(out["uris"]), 4)
        self.assertEqual(len(reqs), 4)
        for r in reqs:
            self.assertEqual((r["method"], r["status"]), ("GET", 200))
            self.assertEqual(r["path"], f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json")
            self.assertIn("PageSize=2", r["query"])
        self.assertEqual([u.split(self.emu.url, 1)[1] for u in out["uris"][1:]],
                         [r["path"] + "?" + r["query"] for r in reqs[1:]])

    def test_an_api_key_and_its_secret_authenticate_for_the_account(self):
        out = self.run_library(KEY_SID, self.key_secret, page_size=1000)
        self.assertNotIn("error", out)
        self.assertEqual(len(out["numbers"]), len(OWNED))

    def test_a_wrong_token_is_a_rest_exception_401_code_20003(self):
        for username in (ACCOUNT_SID, KEY_SID):
            out = self.run_library(username, "wrong-" + self.twilio_token)
            self.assertNotIn("numbers", out)
            self.assertEqual(out["error"], {
                "restException": True, "status": 401, "code": 20003, "message": "Authenticate",
                "moreInfo": "https://www.twilio.com/docs/errors/20003"})


if __name__ == "__main__":
    setup_npm()
    harness.main()

"""Twilio's own OpenAPI description served by Stoplight Prism (npm @stoplight/prism-cli 5.14.2):
xuna-sync's Twilio requests must pass Prism's request validation (Prism answers 422 and logs a
violation otherwise), and the tool must read Prism's spec-shaped example response. That holds
for the list and for the routing update a rollback sends, except for the empty values the update
uses to clear a field (see test_a_restore_that_clears_fields_breaks_only_the_empty_value_rules).

The description is ../shared/twilio-oai/incoming_phone_numbers.openapi.json beside the source
tree (XS_TWILIO_OAI overrides it); without it, the full file from the npm package
@twilio/cli-core 8.3.2 is used."""
import base64
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tarfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import NODE_PREFIX, bin_path, harness, node_env, setup_npm  # noqa: E402

ACCOUNT_SID = harness.ACCOUNT_SID
LIST = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json"
# Prism answers with the description's first example (readFull): one number, no next page.
EXAMPLE_NUMBER, EXAMPLE_NAME = "+18089255327", "(808) 925-5327"
EXAMPLE_SID = "PN" + "a" * 32
UPDATE = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{EXAMPLE_SID}.json"


def description():
    """The OpenAPI file: the trimmed copy in ../shared, else the full one from npm."""
    path = os.environ.get("XS_TWILIO_OAI") or os.path.join(
        harness.SOURCE_DIR, "..", "shared", "twilio-oai", "incoming_phone_numbers.openapi.json")
    if os.path.exists(path):
        return path
    out = os.path.join(NODE_PREFIX, "twilio-cli-core", "twilio_api_v2010.json")
    if os.path.exists(out):
        return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    p = subprocess.run(["npm", "pack", "@twilio/cli-core@8.3.2", "--silent", "--fetch-retries=1",
                        "--pack-destination", os.path.dirname(out)],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        print(f"skipped: {path} is absent and npm pack @twilio/cli-core failed: {p.stderr}")
        raise SystemExit(125)
    tgz = os.path.join(os.path.dirname(out), p.stdout.strip().splitlines()[-1])
    with tarfile.open(tgz) as t:
        member = t.getmember("package/src/services/twilio-api/twilio_api_v2010.json")
        with t.extractfile(member) as src, open(out + ".tmp", "wb") as dst:
            dst.write(src.read())
    os.replace(out + ".tmp", out)
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Prism:
    """prism mock on a loopback port, its log in a file."""

    def __init__(self, spec, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log_file = open(log_path, "w")
        self.proc = subprocess.Popen(
            [bin_path("prism"), "mock", spec, "-h", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log_file, stderr=subprocess.STDOUT, env=node_env(),
            start_new_session=True)
        deadline = time.time() + 120
        while "Prism is listening" not in self.log():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("prism did not start:\n" + self.log()[-3000:])
            time.sleep(0.2)

    def log(self, since=0):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()[since:]

    def mark(self):
        return len(self.log())

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log_file.close()


def violations(log):
    """Prism's complaints about requests. It also checks its own answer against the schema and
    logs "Violation: response..." lines: Twilio's example breaks Twilio's schema in places
    (empty strings where a URI or an AP... SID is required), which the tool must tolerate."""
    return [line for line in log.splitlines()
            if ("[VALIDATOR]" in line and ("✖" in line or "⚠" in line)
                and "Violation: response." not in line)
            or "Request terminated with error" in line]


class AgainstPrism(harness.Case):
    @classmethod
    def setUpClass(cls):
        cls.logdir = os.path.join(os.path.dirname(NODE_PREFIX), "contract-prism")
        os.makedirs(cls.logdir, exist_ok=True)
        cls.prism = Prism(description(), os.path.join(cls.logdir, "prism.log"))

    @classmethod
    def tearDownClass(cls):
        cls.prism.stop()

    def setUp(self):
        super().setUp()
        self.mapping("""  - phone_number: "+15551234567"
    label: Not in Twilio's example
""")

    def assertCleanRequests(self, since, count):
        log = self.prism.log(since)
        received = re.findall(r"get (/\S+) .*Request received", log)
        self.assertEqual(len(received), count, log)
        self.assertTrue(all(path == LIST for path in received), received)
        self.assertEqual(violations(log), [], "Prism found a request that breaks Twilio's spec")
        self.assertEqual(log.count("The request passed the validation rules"), count, log)

    def test_discover_passes_validation_and_reads_the_example(self):
        since = self.prism.mark()
        p = self.sync("discover", "--twilio-account", "main", "--twilio-api-url", self.prism.url,
                      env=self.env(XUNA_API_KEY=None))
        self.assertExit(p, 0)
        self.assertIn(f'  - phone_number: "{EXAMPLE_NUMBER}"\n    label: "{EXAMPLE_NAME}"\n'
                      "    twilio_account: main\n    # agent:\n", p.stdout)
        self.assertIn(f"Twilio account 'main' ({ACCOUNT_SID}) owns 1 numbers; 1 not in the "
                      "mapping", p.stdout)
        self.assertCleanRequests(since, 1)  # next_page_uri is null: one request, no loop
        self.assertNoSecrets()

    def test_the_ownership_preflight_reads_the_example(self):
        emu = self.start_emulator()
        self.mapping(f"""  - phone_number: "+15551234567"
    label: Not owned per Prism
  - phone_number: "{EXAMPLE_NUMBER}"
    label: Owned per Prism
""")
        since = self.prism.mark()
        p = self.sync("plan", "--api-url", emu.url, "--twilio-api-url", self.prism.url)
        self.assertExit(p, 1)
        self.assertIn(f'  + import  {EXAMPLE_NUMBER}    "Owned per Prism"  (twilio: main)', p.stdout)
        self.assertIn("  x error   +15551234567    Twilio account 'main' does not own "
                      "+15551234567", p.stdout)
        self.assertCleanRequests(since, 1)

    # --- the routing update (rollback) ------------------------------------------------------
    def roll_back_to(self, routing):
        """Snapshots Prism's example number with this routing (Twilio field names), runs
        rollback on it through Prism: gives the report's only number and Prism's log."""
        api = ["--api-url", "http://127.0.0.1:9", "--twilio-api-url", self.prism.url]
        self.assertExit(self.sync("rollback", "--all", "--auto-approve", *api), 0)  # the target
        state = os.path.join(self.dir, "state", "state.db")
        columns = {"before_sid": EXAMPLE_SID, "before_voice_method": "POST",
                   "before_voice_fallback_method": "POST",
                   "before_status_callback_method": "POST", "before_voice_receive_mode": "voice"}
        columns.update({"before_" + k: v for k, v in routing.items()})
        with sqlite3.connect(state) as db:
            target = db.execute("SELECT id FROM targets").fetchone()[0]
            db.execute(f"INSERT INTO snapshots(target_id, phone_number, twilio_account, "
                       f"account_sid, {', '.join(columns)}) VALUES(?, ?, 'main', ?"
                       f"{', ?' * len(columns)})",
                       (target, EXAMPLE_NUMBER, ACCOUNT_SID, *columns.values()))
        since = self.prism.mark()
        p = self.sync("rollback", EXAMPLE_NUMBER, "--auto-approve", "--format", "json", *api)
        self.assertExit(p, 1)  # Prism never answers with the routing sent (see the tests)
        report = json.loads(p.stdout)["numbers"]
        self.assertEqual(len(report), 1, p.stdout)
        time.sleep(0.3)  # the log lines may trail the answer
        log = self.prism.log(since)
        received = re.findall(r"(get|post) (/\S+) .*Request received", log)
        self.assertEqual(received, [("get", LIST), ("post", UPDATE)], log)
        self.assertNoSecrets()
        return report[0], log

    def test_a_restore_with_every_field_set_passes_validation(self):
        """Every field the update sends is set (an application and a trunk both, which Twilio
        itself would refuse, only so that no field is empty): the request passes the spec."""
        number, log = self.roll_back_to({
            "voice_url": "https://ops:pa%20ss-w0rd@ivr.example.com/voice?x=1&y=%C3%A9",
            "voice_method": "GET", "voice_fallback_url": "https://fallback.example.com/f",
            "voice_fallback_method": "GET", "status_callback": "http://status.example.com/cb",
            "status_callback_method": "GET", "voice_application_sid": "AP" + "a1" * 16,
            "trunk_sid": "TK" + "c3" * 16, "voice_receive_mode": "fax"})
        self.assertEqual(violations(log), [], "Prism found a request that breaks Twilio's spec")
        self.assertEqual(log.count("The request passed the validation rules"), 2, log)
        # Prism answers with its example, not the routing sent: the tool reads it and says so
        self.assertTrue(number["error"].startswith("Twilio answered with other routing: calls go "
                                                   "to nothing"), number)
        self.assertEqual(number["routing_after"], "SIP trunk TK" + "c3" * 16)
        for text in self.outputs:
            self.assertNotIn("pa%20ss-w0rd", text)
            self.assertNotIn("pa ss-w0rd", text)

    def test_a_restore_that_clears_fields_breaks_only_the_empty_value_rules(self):
        """The tool clears a field by sending it empty (VoiceFallbackUrl=, TrunkSid=), as real
        Twilio accepts (and the emulator). Twilio's spec does not: an empty string is no URI,
        and shorter than a SID's 34 characters. Those violations, and only those, are
        accepted; Prism then refuses the request (422)."""
        number, log = self.roll_back_to({"voice_url": "https://ivr.example.com/voice"})
        found = {re.sub(r"^.*(✖  error|⚠  warning)\s+", "", v) for v in violations(log)}
        self.assertEqual(found, {
            "Request did not pass the validation rules",
            'Request body property VoiceFallbackUrl must match format "uri"',
            'Request body property StatusCallback must match format "uri"',
            "Request body property VoiceApplicationSid must NOT have fewer than 34 characters",
            'Request body property VoiceApplicationSid must match pattern "^AP[0-9a-fA-F]{32}$"',
            "Request body property TrunkSid must NOT have fewer than 34 characters",
            'Request body property TrunkSid must match pattern "^TK[0-9a-fA-F]{32}$"',
            "Request terminated with error: https://stoplight.io/prism/errors#"
            "UNPROCESSABLE_ENTITY: Invalid request"}, log)
        self.assertIn("Twilio refused the update", number["error"])
        self.assertIn(": 422 ", number["error"])

    def test_control_prism_does_report_a_request_that_breaks_the_spec(self):
        """Without this, 'no violation' could mean the log check sees nothing."""
        since = self.prism.mark()
        auth = base64.b64encode(f"{ACCOUNT_SID}:x".encode()).decode()
        req = urllib.request.Request(f"{self.prism.url}{LIST}?PageSize=5000",
                                     headers={"Authorization": "Basic " + auth})
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(req, timeout=30)
        self.assertEqual(caught.exception.code, 422)
        time.sleep(0.3)  # the log line may trail the answer
        self.assertTrue(any("pagesize must be <= 1000" in v for v in violations(self.prism.log(since))),
                        self.prism.log(since))


if __name__ == "__main__":
    setup_npm()
    if not (os.path.exists(harness.SYNC) and os.path.exists(harness.EMULATOR)):
        raise SystemExit(125)
    unittest.main(verbosity=2)

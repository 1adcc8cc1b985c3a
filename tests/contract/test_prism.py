"""Twilio's own OpenAPI description served by Stoplight Prism (npm @stoplight/prism-cli 5.14.2):
xuna-sync's Twilio requests must pass Prism's request validation (Prism answers 422 and logs a
violation otherwise), and the tool must read Prism's spec-shaped example response.

The description is ../shared/twilio-oai/incoming_phone_numbers.openapi.json beside the source
tree (XS_TWILIO_OAI overrides it); without it, the full file from the npm package
@twilio/cli-core 8.3.2 is used."""
import base64
import os
import re
import signal
import socket
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

"""The emulator's handlers get malformed JSON, wrong types, huge and hostile bodies: each gets
a 4xx, the process stays up, and the next ordinary request is answered."""
import http.client
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCOUNT_SID, SUPPORT, Case, main  # noqa: E402

NUMBERS = "/v1/convai/phone-numbers"
BATCH = NUMBERS + "/batch-calls"
TWILIO = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json"


class EmulatorInput(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator(self.fixture(existing=[
            {"phone_number_id": "phnum_one", "phone_number": "+15550001111", "label": "One"}]))

    def request(self, method, path, body=None, headers=None, auth=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.emu.port, timeout=30)
        h = {"Content-Type": "application/json"}
        if auth:
            h["xi-api-key"] = self.api_key
        h.update(headers or {})
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogateescape")
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def assertStillServing(self):
        self.assertIsNone(self.emu.proc.poll(), "the emulator died")
        status, body = self.request("GET", NUMBERS)
        self.assertEqual(status, 200)
        self.assertIn(b"+15550001111", body)

    def assert4xx(self, method, path, body=None, expect=None, **kw):
        status, text = self.request(method, path, body, **kw)
        what = f"{method} {path} {str(body)[:80]!r}"
        self.assertTrue(400 <= status < 500, f"{what}: {status} {text[:300]!r}")
        if expect is not None:
            self.assertEqual(status, expect, f"{what}: {text[:300]!r}")
        if text:
            json.loads(text)  # every error body is JSON
        self.assertStillServing()
        return text

    def test_malformed_json(self):
        for body in ("{not json", "", "{", '{"label": "x",}', "[]", "null", "123", '"text"',
                     "\x00\x01\x02", '{"label": "\udcff"}', "{" * 10, '{"a":' * 50):
            for method, path in (("POST", NUMBERS), ("PATCH", NUMBERS + "/phnum_one"),
                                 ("POST", BATCH)):
                self.assert4xx(method, path, body)

    def test_deeply_nested_json(self):
        for depth in (1000, 100000):
            for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth,
                         '{"label": ' + "[" * depth + "]" * depth + "}"):
                self.assert4xx("POST", NUMBERS, body)
                self.assert4xx("POST", BATCH, body)

    def test_wrong_types(self):
        text = self.assert4xx("POST", NUMBERS, json.dumps(
            {"label": 5, "phone_number": [], "twilio_account_sid": None, "twilio_auth_token": {}}),
            expect=422)
        detail = json.loads(text)["detail"]
        self.assertEqual({tuple(d["loc"]) for d in detail},
                         {("body", "label"), ("body", "phone_number"),
                          ("body", "twilio_account_sid"), ("body", "twilio_auth_token")})
        self.assert4xx("POST", NUMBERS, "{}", expect=422)
        self.assert4xx("POST", NUMBERS, json.dumps({"label": "", "phone_number": "5551234567",
                                                    "twilio_account_sid": ACCOUNT_SID,
                                                    "twilio_auth_token": "x"}), expect=422)
        for agent in (5, None, [], {}, True, 1e308, ""):
            self.assert4xx("PATCH", NUMBERS + "/phnum_one", json.dumps({"agent_id": agent}))
        for body in ({"agent_id": SUPPORT, "from_phone_number_id": "phnum_one", "calls": "x"},
                     {"agent_id": SUPPORT, "from_phone_number_id": "phnum_one", "calls": []},
                     {"agent_id": SUPPORT, "from_phone_number_id": "phnum_one", "calls": [1, "a"]},
                     {"agent_id": SUPPORT, "from_phone_number_id": "phnum_one",
                      "calls": [{"to_phone_number": 5, "conversation_config_override": "x"}]},
                     {"agent_id": 1, "from_phone_number_id": 2, "calls": [{}]}):
            self.assert4xx("POST", BATCH, json.dumps(body))
        self.assert4xx("PATCH", NUMBERS + "/phnum_nope", json.dumps({"agent_id": SUPPORT}),
                       expect=404)
        self.assert4xx("PATCH", NUMBERS + "/%00%ff%2F..", json.dumps({"agent_id": SUPPORT}))

    def test_huge_bodies_and_values(self):
        big = "x" * (1 << 20)
        # a valid shape with a 1 MiB label, for a number the account does not own
        self.assert4xx("POST", NUMBERS, json.dumps({
            "label": big, "phone_number": "+15559999999", "twilio_account_sid": ACCOUNT_SID,
            "twilio_auth_token": self.twilio_token}))
        self.assert4xx("POST", NUMBERS, json.dumps({"label": "x", "phone_number": "+1" + "5" * 5000,
                                                    "twilio_account_sid": ACCOUNT_SID,
                                                    "twilio_auth_token": "t"}), expect=422)
        self.assert4xx("POST", NUMBERS, "[" + ",".join(["1"] * 500000) + "]")
        self.assert4xx("POST", BATCH, json.dumps({
            "agent_id": SUPPORT, "from_phone_number_id": "phnum_nope",
            "calls": [{"to_phone_number": "+15551234567"}] * 50000}))
        # over 8 MiB: 413, read by the client rather than a reset connection
        self.assert4xx("POST", NUMBERS, "{" + " " * (9 << 20) + "}", expect=413)
        self.assert4xx("PATCH", NUMBERS + "/phnum_one", '"' + "a" * (9 << 20) + '"', expect=413)
        self.assert4xx("POST", "/_emulator/faults", "{" + " " * (9 << 20) + "}")
        # a huge path and a huge header: Poco's HTTP parser may answer 400 or just hang up
        for path, headers in ((NUMBERS + "/" + "a" * 100000, {}),
                              (NUMBERS, {"X-Big": "b" * 100000})):
            try:
                status, _ = self.request("PATCH", path, json.dumps({"agent_id": SUPPORT}),
                                         headers=headers)
                self.assertTrue(400 <= status < 500, status)
            except (ConnectionError, http.client.HTTPException):
                pass
            self.assertStillServing()

    def test_lies_about_the_body(self):
        # Content-Length larger than what is sent, then the client goes away
        for declared, sent in ((100, 10), (1 << 30, 5), (5, 0)):
            with socket.create_connection(("127.0.0.1", self.emu.port), timeout=10) as s:
                s.sendall((f"POST {NUMBERS} HTTP/1.1\r\nHost: x\r\nxi-api-key: {self.api_key}\r\n"
                           f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
                           ).encode() + b"{" * sent)
            self.assertStillServing()
        # a bad Content-Length, bad chunked encoding, garbage instead of HTTP
        for raw in (f"POST {NUMBERS} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                    f"POST {NUMBERS} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                    f"POST {NUMBERS} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "zz\r\nhello\r\n0\r\n\r\n",
                    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + "\x00" * 64,
                    "GET / HTTP/9.9\r\n\r\n", "\r\n\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", self.emu.port), timeout=10) as s:
                s.sendall(raw.encode("latin-1"))
                try:
                    s.settimeout(5)
                    s.recv(4096)
                except OSError:
                    pass
            self.assertStillServing()

    def test_twilio_queries_and_admin_input(self):
        auth = {"Authorization": "Basic " + __import__("base64").b64encode(
            f"{ACCOUNT_SID}:{self.twilio_token}".encode()).decode()}
        for query in ("PageSize=abc", "PageSize=0", "PageSize=99999999999999999999", "Page=-1",
                      "Page=1e9", "PageToken=PTxyz", "PageToken=PT-5", "PageSize=1&Page=" + "9" * 40):
            status, body = self.request("GET", TWILIO + "?" + query, headers=auth, auth=False)
            self.assertTrue(status in (200, 400), f"{query}: {status} {body[:200]!r}")
            self.assertStillServing()
        self.assert4xx("GET", TWILIO, headers={"Authorization": "Basic !!!"}, auth=False)
        self.assert4xx("GET", TWILIO, headers={"Authorization": "Basic " + "A" * 10000}, auth=False)
        for body in ('{"error_rate": "x"}', '{"error_rate": 2}', '{"error_rate": -1}',
                     '{"latency_ms": 1e300}', '{"nope": 1}', "[]", "{", '{"seed": "s"}'):
            self.assert4xx("POST", "/_emulator/faults", body, expect=400)
        for body in ("{", '{"phone_number": 5}', '{"phone_number": "+1"}', "[]"):
            self.assert4xx("POST", "/_emulator/numbers", body, expect=400)
        self.assert4xx("PUT", "/_emulator/numbers/phnum_one", '{"agent_id": 5}', expect=400)
        self.assertEqual(self.emu.stats()["requests"] > 0, True)
        faults = self.emu._admin("GET", "/_emulator/faults")
        self.assertEqual(faults["error_rate"], 0)


if __name__ == "__main__":
    main()

"""Issue 13 end to end: saved plans edited by hand, renamed and unknown campaigns, state write
failures, hostile servers (dripping, huge, endless, echoing secrets, answering for another
number), labels that try to forge plan lines, and the small messages. Each test drives the real
binaries against the emulator or a test server on loopback."""
import base64
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from bulk import bulk_fixture, bulk_mapping, bulk_numbers, duplicate_imports, import_posts  # noqa: E402
from harness import (ACCOUNT_SID, AFTERHOURS, SALES, SUPPORT, SYNC, Case, Proxy,  # noqa: E402
                     main)

NUMBERS = """  - phone_number: "+15551234567"
    label: Support
    agent: support
  - phone_number: "+15550001111"
    label: Front Desk
    agent: sales
"""

CAMPAIGN = """batch_calls:
  - name: renewals
    agent: sales
    from: "+15550001111"
    calls:
      - to: "+15559876543"
        first_message: "Hi John."
      - to: "+15557654321"
"""

TWILIO_LIST = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json"


def tail(p):
    return f"exit {p.returncode}\n--- stdout\n{p.stdout[-3000:]}\n--- stderr\n{p.stderr[-3000:]}"


class TestServer:
    """A threaded HTTP server on loopback whose handler(request) writes the whole answer
    itself (request is the BaseHTTPRequestHandler: .path, .command, .headers, .wfile)."""

    def __init__(self, handler):
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()  # headers and body go in two writes: no 40 ms delayed ACK
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.body = self.rfile.read(length) if length else b""
                try:
                    handler(self)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = serve

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def send_json(request, status, doc, extra_headers=()):
    data = json.dumps(doc).encode()
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    for k, v in extra_headers:
        request.send_header(k, v)
    request.send_header("Content-Length", str(len(data)))
    request.end_headers()
    request.wfile.write(data)


class Hostile(Case):
    def tearDown(self):
        self.doCleanups()  # servers, mounts and modes before the temp dir goes
        super().tearDown()

    def start(self, numbers=NUMBERS, extra="", existing=None, **fixture):
        self.emu = self.start_emulator(self.fixture(existing=existing, **fixture))
        self.mapping(numbers + extra)
        return self.emu

    def server(self, handler):
        s = TestServer(handler)
        self.addCleanup(s.stop)
        return s

    def proxy(self, answer):
        p = Proxy(self.emu.port, answer)
        self.addCleanup(p.stop)
        return p

    def batches(self):
        return self.emu._admin("GET", "/_emulator/batches")

    # --- 2. saved plans ---------------------------------------------------------------------
    def saved_plan(self):
        self.start(extra=CAMPAIGN)
        path = os.path.join(self.dir, "plan.json")
        self.assertExit(self.sync("plan", "--out", path, emulator=self.emu), 0)
        with open(path) as f:
            return path, json.load(f)

    def test_a_saved_plan_with_doubled_actions_is_refused_and_nothing_sent(self):
        path, doc = self.saved_plan()
        self.assertEqual(len(doc["actions"]), 5)  # 2 imports, 2 assigns, 1 campaign
        doc["actions"] = doc["actions"] + doc["actions"]
        with open(path, "w") as f:
            json.dump(doc, f)
        p = self.sync("apply", path, emulator=self.emu)
        self.assertExit(p, 5)
        self.assertRegex(p.stderr, r"plan file \S+plan\.json lists import \+1555\d+ more than "
                                   r"once")
        self.assertEqual(self.emu.writes(), [])
        self.assertEqual(self.batches(), [])

    def test_an_edited_saved_action_names_both_values(self):
        path, doc = self.saved_plan()
        edited = [a for a in doc["actions"] if a["action"] == "assign"
                  and a["phone_number"] == "+15551234567"][0]
        self.assertEqual(edited["agent_id"], SUPPORT)
        edited["agent_id"] = AFTERHOURS
        with open(path, "w") as f:
            json.dump(doc, f)
        p = self.sync("apply", path, emulator=self.emu)
        self.assertExit(p, 5)
        # one line (log lines never hold a raw newline): "...; what moved: assign +1555...: ..."
        line = [ln for ln in p.stderr.splitlines() if "what moved: assign +15551234567: " in ln]
        self.assertTrue(line, tail(p))
        self.assertIn(AFTERHOURS, line[0])
        self.assertIn(SUPPORT, line[0])
        self.assertEqual(self.emu.writes(), [])

    def test_a_saved_plan_applies_from_another_directory_and_checks_the_digest(self):
        path, doc = self.saved_plan()
        self.assertTrue(doc["sources"])
        self.assertTrue(all(os.path.isabs(s) for s in doc["sources"]), doc["sources"])
        elsewhere = os.path.join(self.dir, "elsewhere")
        os.makedirs(elsewhere)
        cmd = [SYNC, "apply", path, "--api-url", self.emu.url, "--twilio-api-url", self.emu.url]
        # a changed mapping is still refused from there
        mapping = os.path.join(self.dir, "mappings", "main.yaml")
        with open(mapping) as f:
            original = f.read()
        self.mapping(NUMBERS.replace("Front Desk", "Reception") + CAMPAIGN)
        p = subprocess.run(cmd, cwd=elsewhere, env=self.env(), capture_output=True, text=True,
                           timeout=120)
        self.outputs += [p.stdout, p.stderr]
        self.assertExit(p, 5)
        self.assertIn("the mapping changed", p.stderr)
        self.assertEqual(self.emu.writes(), [])
        with open(mapping, "w") as f:
            f.write(original)
        p = subprocess.run(cmd, cwd=elsewhere, env=self.env(), capture_output=True, text=True,
                           timeout=120)
        self.outputs += [p.stdout, p.stderr]
        self.assertExit(p, 0)
        self.assertEqual(len(self.emu.writes()), 5)
        self.assertFalse(os.path.exists(os.path.join(elsewhere, "mappings")))

    # --- 3. campaigns -------------------------------------------------------------------------
    def test_a_renamed_sent_campaign_is_not_sent_again_without_resubmit(self):
        self.start(extra=CAMPAIGN)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.assertEqual(len(self.batches()), 1)
        self.mapping(NUMBERS + CAMPAIGN.replace("name: renewals", "name: renewals-v2"))
        p = self.sync("plan", "--format", "json", emulator=self.emu)
        self.assertExit(p, 0)
        kinds = [w["kind"] for w in json.loads(p.stdout)["warnings"]]
        self.assertIn("batch_renamed", kinds)
        p = self.sync("plan", emulator=self.emu)
        self.assertIn("renewals-v2", p.stdout)
        self.assertIn("renewals", p.stdout)
        self.assertIn("0 batches to submit", p.stdout)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.assertEqual(len(self.batches()), 1)  # not dialled again
        p = self.sync("apply", "--auto-approve", "--resubmit", "renewals-v2", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(len(self.batches()), 2)  # asked for: sent

    def test_an_unknown_campaign_is_a_pending_change_and_counted_in_metrics(self):
        self.start(extra=CAMPAIGN)
        dropped = []

        def drop_batch(request, forward):
            reply = forward()
            if request.path.endswith("/batch-calls") and not dropped:
                dropped.append(1)
                return None
            return reply

        proxy = self.proxy(drop_batch)
        via = ["--api-url", proxy.url, "--twilio-api-url", self.emu.url, "--timeout", "5"]
        metrics = os.path.join(self.dir, "metrics.prom")
        self.assertExit(self.sync("apply", "--auto-approve", *via), 1)
        self.assertExit(self.sync("plan", "--detailed-exitcode", *via), 2)
        p = self.sync("apply", "--auto-approve", "--metrics-file", metrics, *via)
        self.assertExit(p, 1)
        with open(metrics) as f:
            text = f.read()
        self.assertRegex(text, r"(?m)^xuna_sync_batches_unknown 1$")
        self.assertRegex(text, r"(?m)^xuna_sync_last_run_success 0$")
        self.assertEqual(len(self.batches()), 1)

    # --- 4. state write failures --------------------------------------------------------------
    def mount_tmpfs(self, name, options):
        """A tmpfs mounted at self.dir/name (unmounted at cleanup), or the test is skipped."""
        path = os.path.join(self.dir, name)
        os.makedirs(path)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", path],
                           capture_output=True, text=True)
        if p.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs here ({p.stderr.strip() or p.returncode})")
        self.addCleanup(subprocess.run, ["umount", "-l", path], capture_output=True)
        return path

    def test_a_full_disk_mid_apply_ends_cleanly_and_sends_nothing_unjournaled(self):
        small = self.mount_tmpfs("small", "size=200k")
        numbers = bulk_numbers(200)
        emu = self.start_emulator(bulk_fixture(self, 200))
        bulk_mapping(self, numbers)
        state = os.path.join(small, "state.db")
        env = self.env(XUNA_SYNC_STATE=state)
        p = self.sync("apply", "--auto-approve", emulator=emu, env=env)
        self.assertExit(p, 1)
        self.assertNotIn("terminate called", p.stderr)
        self.assertRegex(p.stdout + p.stderr, r"database or disk is full")
        self.assertIn(state, p.stdout + p.stderr)
        # room again: every import the emulator saw had its intent journaled first
        subprocess.run(["mount", "-o", "remount,size=20m", small], check=True)
        import sqlite3
        with sqlite3.connect(state) as db:
            journaled = {r[0] for r in db.execute(
                "SELECT phone_number FROM actions WHERE kind = 'import'")}
        sent = [r["body"]["phone_number"] for r in import_posts(emu.requests())]
        self.assertTrue(sent, "the disk filled before any import: the test proves nothing")
        self.assertLess(len(sent), 200, "the disk never filled: the test proves nothing")
        self.assertEqual(sorted(set(sent) - journaled), [], "imports sent without an intent")
        # the next run finishes without importing anything twice (the full disk left the run
        # 'running': finishing it needs a write too; this run settles it)
        p = self.sync("apply", "--auto-approve", emulator=emu, env=env)
        self.assertExit(p, 0)
        self.assertRegex(p.stderr, r"warning: run #1 \(apply, started \S+\) was interrupted")
        self.assertEqual(duplicate_imports(emu.requests()), [])
        live = emu.numbers()
        self.assertTrue(all(live[n]["agent_id"] for n in numbers))
        self.assertExit(self.sync("plan", "--detailed-exitcode", emulator=emu, env=env), 0)

    def test_plan_works_from_a_read_only_state(self):
        self.start()
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.mapping(NUMBERS.replace("agent: sales", "agent: afterhours"))
        state_dir = os.path.join(self.dir, "state")
        os.chmod(os.path.join(state_dir, "state.db"), 0o400)
        os.chmod(state_dir, 0o555)
        self.addCleanup(os.chmod, state_dir, 0o755)
        env = None
        if os.geteuid() == 0:  # root writes through file modes: a read-only bind mount too
            ro = os.path.join(self.dir, "ro")
            os.makedirs(ro)
            if subprocess.run(["mount", "--bind", state_dir, ro]).returncode != 0:
                self.skipTest("cannot bind-mount as root")
            self.addCleanup(subprocess.run, ["umount", "-l", ro])
            if subprocess.run(["mount", "-o", "remount,ro,bind", ro]).returncode != 0:
                self.skipTest("cannot remount read-only")
            env = self.env(XUNA_SYNC_STATE=os.path.join(ro, "state.db"))
        p = self.sync("plan", "--detailed-exitcode", emulator=self.emu, env=env)
        self.assertExit(p, 2)
        self.assertIn("~ assign  +15550001111", p.stdout)
        self.assertNotIn("readonly database", p.stderr)

    def test_a_corrupt_state_file_is_a_clear_error(self):
        self.start()
        path = self.write("state/state.db", "")
        with open(path, "wb") as f:
            f.write(os.urandom(8192))
        for args in (["plan"], ["apply", "--auto-approve"], ["history"]):
            p = self.sync(*args, emulator=self.emu)
            self.assertExit(p, 1)
            self.assertIn(f"state file {path} is not a xuna-sync state", p.stderr)
            self.assertNotIn("terminate called", p.stderr)
        self.assertEqual(self.emu.writes(), [])

    # --- 5. bounded everything ----------------------------------------------------------------
    def test_a_dripping_twilio_list_ends_at_the_timeout(self):
        self.start()
        stop = threading.Event()
        self.addCleanup(stop.set)

        def drip(request):
            body = json.dumps({"incoming_phone_numbers": [], "next_page_uri": None}).encode()
            request.send_response(200)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            for b in body:  # one byte a second
                if stop.wait(1):
                    return
                request.wfile.write(bytes([b]))
                request.wfile.flush()

        s = self.server(drip)
        try:
            p = self.sync("plan", "--timeout", "2", "--api-url", self.emu.url,
                          "--twilio-api-url", s.url, timeout=60)
        except subprocess.TimeoutExpired:
            self.fail("plan --timeout 2 against a dripping server did not end within 60 s")
        self.assertExit(p, 1)
        self.assertIn("no answer within 2 s (--timeout bounds the whole request)", p.stderr)

    def test_a_600_mb_answer_is_refused_without_reading_it(self):
        self.start()
        stop = threading.Event()
        self.addCleanup(stop.set)

        def huge(request):
            request.send_response(200)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(600 << 20))
            request.end_headers()
            request.wfile.write(b'{"incoming_phone_numbers": [')
            request.wfile.flush()
            stop.wait(30)  # and never the rest
            request.close_connection = True

        s = self.server(huge)
        p = self.sync("plan", "--api-url", self.emu.url, "--twilio-api-url", s.url, timeout=60)
        self.assertExit(p, 1)
        self.assertIn(f"the answer is {600 << 20} bytes (its Content-Length), above the limit",
                      p.stderr)
        self.assertIn("not read", p.stderr)

    def test_an_endless_twilio_list_stops_at_the_page_limit(self):
        self.start()
        pages = []

        def endless(request):
            query = urllib.parse.parse_qs(urllib.parse.urlparse(request.path).query)
            page = int(query.get("Page", ["0"])[0])
            pages.append(page)
            send_json(request, 200, {
                "incoming_phone_numbers": [{
                    "sid": f"PN{page:032x}", "account_sid": ACCOUNT_SID,
                    "phone_number": f"+1666{page:07d}", "friendly_name": f"n{page}"}],
                "next_page_uri": f"{TWILIO_LIST}?PageSize=1000&Page={page + 1}"
                                 f"&PageToken=PA{page + 1}"})

        s = self.server(endless)
        p = self.sync("plan", "--api-url", self.emu.url, "--twilio-api-url", s.url, timeout=300)
        self.assertExit(p, 1)
        self.assertIn("the IncomingPhoneNumbers list did not end within 10000 pages (the limit "
                      "of pages per list); stopped after 10000 pages", p.stderr)
        self.assertEqual(len(pages), 10000)

    # --- 6. masking -------------------------------------------------------------------------------
    def test_secrets_echoed_by_a_server_in_any_encoding_are_masked(self):
        self.start()
        basic = base64.b64encode(f"{ACCOUNT_SID}:{self.twilio_token}".encode()).decode()
        forms = {self.api_key, self.twilio_token, basic}

        def echo(request):
            said = [v for k, v in request.headers.items()
                    if k.lower() in ("authorization", "xi-api-key")]
            quoted = []
            for v in said:
                quoted += [v, json.dumps(v)[1:-1].replace("/", "\\/"),
                           "".join(f"\\u{ord(c):04x}" for c in v),
                           urllib.parse.quote(v, safe=""), urllib.parse.quote_plus(v)]
            text = "you sent " + " and ".join(quoted)
            send_json(request, 401, {"code": 20003, "message": text, "status": 401,
                                     "detail": {"status": "unauthorized", "message": text},
                                     "echo": quoted})

        s = self.server(echo)
        files = []
        for i, (api, twilio) in enumerate([(s.url, self.emu.url), (self.emu.url, s.url)]):
            via = ["--api-url", api, "--twilio-api-url", twilio]
            for log in (["--log-format", "text"], ["--log-format", "json"], ["--verbose"]):
                out = os.path.join(self.dir, f"plan-{i}-{log[-1]}.json")
                self.assertExit(self.sync("plan", *log, "--out", out, *via), 1)
                if os.path.exists(out):
                    files.append(out)
                self.assertExit(self.sync("apply", "--auto-approve", "--format", "json", *log,
                                          *via), 1)
            self.sync("discover", "--twilio-api-url", twilio, "--log-format", "json")
            self.sync("discover", "--twilio-api-url", twilio)
        self.assertTrue(any("you sent" in o for o in self.outputs),
                        "the server's answer is not shown at all: the test proves nothing")
        state_dir = os.path.join(self.dir, "state")
        files += [os.path.join(state_dir, f) for f in os.listdir(state_dir)]
        blobs = list(self.outputs)
        for path in files:
            with open(path, "rb") as f:
                blobs.append(f.read().decode("latin-1"))
        for secret in forms | {urllib.parse.quote(basic, safe="")}:
            for blob in blobs:
                self.assertNotIn(secret, blob)
                self.assertNotIn(secret[:12], blob)

    # --- 7. text that cannot forge lines ------------------------------------------------------
    def test_a_label_cannot_forge_plan_lines(self):
        forged = r'"Line\n  + import  +19999999999 FAKE\e[31m red \u202Eevil"'
        self.start(numbers=f"""  - phone_number: "+15551234567"
    label: {forged}
    agent: support
""")
        p = self.sync("validate")
        self.assertExit(p, 0)
        self.assertIn("warning", p.stderr)
        self.assertRegex(p.stderr, r"(?i)control character|newline|bidi|U\+202E")
        p = self.sync("plan", emulator=self.emu)
        self.assertExit(p, 0)
        for line in p.stdout.splitlines():
            self.assertFalse(line.startswith("  + import  +19999999999"), p.stdout)
        self.assertNotIn("\x1b", p.stdout)
        self.assertNotIn("\u202e", p.stdout)
        self.assertIn("+19999999999 FAKE", p.stdout)  # shown, escaped, on the number's line
        # JSON keeps the label exactly
        doc = json.loads(self.sync("plan", "--format", "json", emulator=self.emu).stdout)
        self.assertEqual([a["label"] for a in doc["actions"] if a["action"] == "import"],
                         ["Line\n  + import  +19999999999 FAKE\x1b[31m red \u202eevil"])

    def test_a_nul_in_a_label_is_refused_by_validate(self):
        self.start(numbers="""  - phone_number: "+15551234567"
    label: "Sup\\0port"
    agent: support
""")
        p = self.sync("validate")
        self.assertExit(p, 3)
        self.assertRegex(p.stderr, r"main\.yaml:\d+:\d+: .*(NUL|null character)")

    # --- 8. consistent answers ----------------------------------------------------------------
    def test_an_import_answered_with_another_number_is_not_believed_and_names_both(self):
        self.start(numbers="""  - phone_number: "+15551234567"
    label: Support
""")

        def wrong_number(request, forward):
            status, headers, body = forward()
            if request.command == "POST" and request.path == "/v1/convai/phone-numbers":
                doc = json.loads(body)
                doc["phone_number"] = "+15550009999"
                body = json.dumps(doc).encode()
            return status, headers, body

        proxy = self.proxy(wrong_number)
        p = self.sync("apply", "--auto-approve", "--api-url", proxy.url,
                      "--twilio-api-url", self.emu.url, "--xuna-webhook-origin", self.emu.url)
        self.assertExit(p, 0)
        # not believed: the live list decides (the number did land), and the line says why
        line = [ln for ln in p.stdout.splitlines() if ln.startswith("  + imported  +15551234567")]
        self.assertTrue(line, tail(p))
        self.assertIn("the answer names phone_number '+15550009999', not '+15551234567' as asked; "
                      "not believed; it is listed: adopted", line[0])
        self.assertEqual(len(import_posts(self.emu.requests())), 1)  # and not sent again

    def test_an_empty_csv_value_is_named_not_sent_as_hi(self):
        self.start()
        self.write("mappings/list.csv", "to,name\n+15559876543,\n")
        self.mapping(NUMBERS + """batch_calls:
  - name: csv
    agent: sales
    from: "+15550001111"
    calls_csv: list.csv
    first_message: "Hi {{name}}"
""")
        p = self.sync("validate")
        self.assertExit(p, 3)
        self.assertIn("list.csv:2:14: empty value in column 'name' (first_message uses {{name}})",
                      p.stderr)

    def test_a_patch_answered_with_another_numbers_record_is_a_failure_naming_both(self):
        self.start(existing=[{"phone_number_id": "phnum_front", "phone_number": "+15550001111",
                              "label": "Front Desk", "agent_id": SUPPORT}])
        self.mapping("""  - phone_number: "+15550001111"
    label: Front Desk
    agent: sales
""")

        def wrong_record(request, forward):
            status, headers, body = forward()
            if request.command == "PATCH":
                doc = json.loads(body)
                doc.update(phone_number_id="phnum_zzz", phone_number="+15550009999",
                           assigned_agent={"agent_id": AFTERHOURS, "agent_name": "x"},
                           agent_id=AFTERHOURS)
                body = json.dumps(doc).encode()
            return status, headers, body

        proxy = self.proxy(wrong_record)
        p = self.sync("apply", "--auto-approve", "--api-url", proxy.url,
                      "--twilio-api-url", self.emu.url)
        self.assertExit(p, 1)
        out = p.stdout + p.stderr
        self.assertIn("phnum_zzz", out)
        self.assertIn("phnum_front", out)
        self.assertNotRegex(p.stdout, r"~ assigned\s+\+15550001111")

    # --- 10. small things ---------------------------------------------------------------------
    def test_a_csv_with_a_bom_and_a_spaced_header_works(self):
        self.start()
        with open(os.path.join(self.dir, "mappings", "list.csv"), "wb") as f:
            f.write(b"\xef\xbb\xbfTo ,Name\r\n+15559876543,John\r\n")
        self.mapping(NUMBERS + """batch_calls:
  - name: csv
    agent: sales
    from: "+15550001111"
    calls_csv: list.csv
    first_message: "Hi {{name}}"
""")
        p = self.sync("validate")
        self.assertExit(p, 0)
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertIn("(1 call initiated)", p.stdout)
        calls = self.batches()[0]["body"]["calls"]
        self.assertEqual(calls[0]["to_phone_number"], "+15559876543")
        self.assertEqual(calls[0]["conversation_config_override"]["agent"]["first_message"],
                         "Hi John")

    def test_a_template_names_an_unknown_column_as_written(self):
        self.start()
        self.write("mappings/list.csv", "to,name\n+15559876543,John\n")
        self.mapping(NUMBERS + """batch_calls:
  - name: csv
    agent: sales
    from: "+15550001111"
    calls_csv: list.csv
    first_message: "Hi {{x}}"
""")
        p = self.sync("validate")
        self.assertExit(p, 3)
        self.assertIn("{{x}}", p.stderr)
        self.assertIn("no column 'x'", p.stderr)

    def test_a_tab_in_yaml_says_tabs_cannot_indent(self):
        self.start()
        self.mapping(NUMBERS + "  - phone_number: \"+15551234568\"\n\tlabel: Tab\n")
        p = self.sync("validate")
        self.assertExit(p, 3)
        self.assertIn("tabs cannot indent YAML", p.stderr)

    def test_an_explicit_reassign_percent_applies_below_ten_numbers(self):
        self.start(existing=[
            {"phone_number_id": "phnum_a", "phone_number": "+15551234567", "label": "Support",
             "agent_id": SUPPORT},
            {"phone_number_id": "phnum_b", "phone_number": "+15550001111",
             "label": "Front Desk", "agent_id": SUPPORT}])
        # one of two assigned numbers moves: 50%
        self.assertExit(self.sync("plan", emulator=self.emu), 0)  # default: off below 10
        p = self.sync("apply", "--auto-approve", "--max-reassign-percent", "10",
                      emulator=self.emu)
        self.assertExit(p, 5)
        self.assertIn("refused", p.stderr)
        self.assertEqual(self.emu.writes(), [])

    def test_https_to_an_http_port_does_not_blame_the_certificate(self):
        self.start()
        p = self.sync("plan", "--api-url", f"https://127.0.0.1:{self.emu.port}",
                      "--twilio-api-url", self.emu.url, "--timeout", "5")
        self.assertExit(p, 1)
        self.assertNotRegex(p.stderr.lower(), r"certificate")
        self.assertRegex(p.stderr, r"(?i)http")

    def test_a_204_to_an_import_reads_clearly(self):
        self.start()

        def no_content(request, forward):
            if request.command == "POST":
                forward()
                return 204, [], b""
            return forward()

        proxy = self.proxy(no_content)
        p = self.sync("apply", "--auto-approve", "--api-url", proxy.url,
                      "--twilio-api-url", self.emu.url)
        self.assertExit(p, 1)
        self.assertIn("204", p.stdout + p.stderr)
        self.assertNotIn("JSON Exception", p.stdout + p.stderr)
        self.assertNotIn("unexpected end of text", p.stdout + p.stderr)

    def test_a_redirect_shows_its_location(self):
        self.start()
        proxy = self.proxy(lambda request, forward: (
            302, [("Location", "https://elsewhere.example/v1/moved")], b""))
        p = self.sync("plan", "--api-url", proxy.url, "--twilio-api-url", self.emu.url)
        self.assertExit(p, 1)
        self.assertIn("https://elsewhere.example/v1/moved", p.stderr)


if __name__ == "__main__":
    main()

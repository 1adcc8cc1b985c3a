"""Issue 20, hostile inputs round three, end to end: side files stay in the mapping's folder
and are regular files, secrets in them never print, an alias bomb is refused, --state says what
it is, one escaping path for what users and servers wrote."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Case, Proxy, main  # noqa: E402

NUMBERS = """  - phone_number: "+15551234567"
    label: Support
    agent: support
  - phone_number: "+15550001111"
    label: Front Desk
    agent: sales
"""

# A name holding a newline that tries to forge a line, ESC (hide the rest) and U+202E.
EVIL = "x\\nFORGED: a line of our own\\e[8m hidden \\u202Eevil"


def campaign(extra=""):
    return f"""batch_calls:
  - name: "renewals {EVIL}"
    agent: sales
    from: "+15550001111"
    calls:
      - to: "+15559876543"
        first_message: "Hi John."
      - to: "+15551234567"
{extra}"""


class Hostile3(Case):
    def tearDown(self):
        self.doCleanups()
        super().tearDown()

    def assertClean(self, *blobs):
        """No raw ESC, no raw U+202E, and no line that the injected newline made."""
        for blob in blobs:
            self.assertNotIn("\x1b", blob)
            self.assertNotIn("\u202e", blob)
            for line in blob.splitlines():
                self.assertFalse(re.match(r'\s*(\{"ts".*"msg":")?FORGED', line), line)

    # --- 1. side files ----------------------------------------------------------------------
    def side_mapping(self, suppress):
        return self.mapping(NUMBERS + campaign() + f"suppress:\n  - {suppress}\n")

    def test_a_suppress_file_outside_the_mapping_folder_is_refused_unless_allowed(self):
        outside = self.write("elsewhere/dnc.txt", "+15559876543\n")
        m = self.side_mapping(outside)
        p = self.sync("validate")
        self.assertExit(p, 3)
        self.assertIn(f"{os.path.join('mappings', 'main.yaml')}:", p.stderr)
        self.assertRegex(p.stderr, r"mappings/main\.yaml:\d+:5: suppression file '" +
                         re.escape(outside) + r"' is outside the mapping's folder 'mappings': "
                         r"refused; --allow-outside-files reads it")
        self.assertExit(self.sync("validate", "--allow-outside-files"), 0)
        # named with -f, a file's own folder is the root
        self.assertExit(self.sync("validate", "-f", m), 3)

    def test_a_symlink_inside_the_folder_pointing_outside_is_refused(self):
        secret = self.write("home/.pgpass", "db:5432:xs:sync:hunter2-" + self.api_key + "\n")
        self.side_mapping("dnc.txt")
        os.symlink(secret, os.path.join(self.dir, "mappings", "dnc.txt"))
        p = self.sync("validate")
        self.assertExit(p, 3)
        self.assertIn("is outside the mapping's folder", p.stderr)
        self.assertIn(f"(it resolves to '{secret}')", p.stderr)
        self.assertNotIn("hunter2", p.stdout + p.stderr)
        self.assertNoSecrets()

    def test_proc_self_environ_is_refused_even_with_the_flag_and_prints_nothing_of_it(self):
        self.side_mapping("/proc/self/environ")
        for flags in ([], ["--allow-outside-files"]):
            p = self.sync("validate", *flags)
            self.assertExit(p, 3)
            self.assertIn("suppression file '/proc/self/environ' is not a regular file", p.stderr)
            self.assertNotIn("PATH=", p.stderr)
        self.assertNoSecrets()

    def test_a_fifo_is_refused_without_blocking(self):
        os.makedirs(os.path.join(self.dir, "mappings"))
        os.mkfifo(os.path.join(self.dir, "mappings", "dnc.txt"))
        self.side_mapping("dnc.txt")
        p = self.sync("validate", timeout=20)
        self.assertExit(p, 3)
        self.assertIn("is not a regular file", p.stderr)

    def test_secrets_from_the_environment_in_a_side_file_never_print(self):
        pg = "pg-" + os.urandom(12).hex()
        lines = [self.api_key, f"XUNA_API_KEY={self.api_key}", self.twilio_token + " x",
                 f"password {pg}", "+1555" + self.api_key]
        self.write("mappings/dnc.txt", "\n".join(lines) + "\n")
        self.side_mapping("dnc.txt")
        for fmt in ("text", "json"):
            p = self.sync("validate", "--log-format", fmt, env=self.env(PGPASSWORD=pg))
            self.assertExit(p, 3)
            self.assertIn("invalid phone number", p.stderr)
            for secret in (self.api_key, self.twilio_token, pg):
                for blob in (p.stdout, p.stderr):
                    self.assertNotIn(secret[:12], blob)
                    self.assertNotIn(secret[-12:], blob)

    # --- 2. bounded expansion -------------------------------------------------------------
    def test_an_alias_bomb_is_refused_quickly_naming_the_alias(self):
        big = "x" * (64 * 1024)
        calls = "".join(f'      - to: "+1555987{i % 10000:04d}"\n'
                        "        conversation_config_override: {agent: {first_message: *big}}\n"
                        for i in range(10000))
        self.mapping(NUMBERS + f"""batch_calls:
  - name: bomb
    agent: sales
    from: "+15550001111"
    conversation_config_override:
      agent: {{first_message: &big "{big}"}}
    calls:
{calls}""")
        p = self.sync("validate", timeout=60)
        self.assertExit(p, 3)
        self.assertRegex(p.stderr, r"mappings/main\.yaml:\d+:\d+: alias '\*big' \(of the anchor "
                                   r"'&big' at line \d+\) makes the mapping hold more than 16 MiB")
        self.assertNotIn("bad_alloc", p.stderr)

    # --- 3. --state says what it is ---------------------------------------------------------
    def test_a_keyword_connection_string_is_postgresql_and_never_a_file(self):
        conninfo = "host=/nonexistent/xs-socket dbname=xuna_sync user=sync"
        self.mapping(NUMBERS)
        p = self.sync("history", "--state", conninfo)
        self.assertExit(p, 1)
        self.assertIn("cannot connect to PostgreSQL database xuna_sync on host "
                      "/nonexistent/xs-socket", p.stderr)
        self.assertFalse(any("=" in f for f in os.listdir(self.dir)), os.listdir(self.dir))
        for bad in ("hots=db dbname=xs", "mysql://u:hunter2@db/xs", "host=db password=hunter2"):
            p = self.sync("history", "--state", bad)
            self.assertExit(p, 3)
            self.assertNotIn("hunter2", p.stdout + p.stderr)
        p = self.sync("history", "--state", "postgresql://xuna:s3cr/etpw@localhost/xs")
        self.assertExit(p, 3)
        self.assertNotIn("s3cr", p.stderr)
        self.assertFalse(any("=" in f or "://" in f for f in os.listdir(self.dir)))

    # --- 5. one escaping path ---------------------------------------------------------------
    def test_a_campaign_name_and_label_with_control_characters_print_escaped_everywhere(self):
        emu = self.start_emulator()
        self.mapping(NUMBERS.replace("label: Support", f'label: "Support {EVIL}"') + campaign())
        metrics = os.path.join(self.dir, "metrics.prom")
        runs = [self.sync("validate"), self.sync("validate", "--log-format", "json")]
        self.assertIn("calls +15551234567, one of the mapping's own numbers", runs[0].stderr)
        for fmt in ("text", "json"):
            runs.append(self.sync("plan", "--format", fmt, "--log-format", fmt,
                                  "--metrics-file", metrics, emulator=emu))
        runs.append(self.sync("apply", "--auto-approve", "--metrics-file", metrics, emulator=emu))
        runs.append(self.sync("history"))
        for p in runs:
            self.assertClean(p.stdout, p.stderr)
        self.assertIn("\\e[8m", runs[0].stderr)  # shown escaped, not dropped
        with open(metrics) as f:
            self.assertClean(f.read())

    def test_a_server_error_detail_with_control_characters_prints_escaped(self):
        emu = self.start_emulator()
        self.mapping(NUMBERS)
        detail = "no\nxuna-sync: FORGED all good\x1b[8m hidden \u202eevil"
        body = json.dumps({"detail": {"status": "invalid", "message": detail}}).encode()

        def answer(request, forward):
            if request.command == "POST" and request.path.startswith("/v1/convai/phone-numbers"):
                return 422, [("Content-Type", "application/json")], body
            return forward()

        proxy = Proxy(emu.port, answer)
        self.addCleanup(proxy.stop)
        for log in ("text", "json"):
            for fmt in ("text", "json"):
                p = self.sync("apply", "--auto-approve", "--format", fmt, "--log-format", log,
                              "--api-url", proxy.url, "--twilio-api-url", emu.url)
                self.assertExit(p, 1)
                self.assertIn("FORGED", p.stdout + p.stderr)  # the detail is shown
                self.assertClean(p.stdout, p.stderr)
                self.assertNotRegex(p.stdout + p.stderr, r"(^|\n)xuna-sync: FORGED")


if __name__ == "__main__":
    main()

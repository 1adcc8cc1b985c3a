"""Twilio migration against a real xuna-emulator: discover, the ownership preflight of plan and
apply, several accounts in one mapping."""
import json
import os
import re
import secrets
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (ACCOUNT_SID, SUPPORT, SALES, AFTERHOURS, Case, Proxy, main,  # noqa: E402
                     without_number_warnings)

SUB_SID = "AC" + "fedcba9876543210" * 2
SUB_KEY = "SK" + "0123456789abcdef" * 2
LIST_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json"


def read(path):
    with open(path) as f:
        return f.read()


def twilio_requests(emu):
    return [r for r in emu.requests() if r["path"].startswith("/2010-04-01/")]


class FlakyTwilio(Proxy):
    """Forwards Twilio's list to the emulator, but answers the first `failures` requests with
    503 (no Retry-After): a transient failure the client may retry."""

    def __init__(self, upstream_port, failures=1):
        self.hits = 0
        self.failures = failures
        super().__init__(upstream_port, self.answer)

    def answer(self, request, forward):
        self.hits += 1
        if self.hits <= self.failures:
            return 503, [], b'{"code":20503,"message":"down","status":503}'
        return forward()


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def entries(yaml_text):
    """(phone_number, label, twilio_account, xuna_comment) of each discovered entry."""
    pattern = re.compile(r'^  - phone_number: "([^"]+)"(?:  # (.*))?\n'
                         r'    label: "([^"]*)"\n'
                         r'    twilio_account: (\S+)\n'
                         r'    # agent:$', re.M)
    return [(m[1], m[3], m[4], m[2]) for m in pattern.finditer(yaml_text)]


class Discover(Case):
    """2,500 generated numbers plus three named ones: three pages at PageSize=1000."""

    def setUp(self):
        super().setUp()
        fx = self.fixture(owned=["+15551234567", "+15551234568", "+15550001111"])
        fx["twilio_accounts"][0]["generate"] = {
            "prefix": "+1555", "start": 2000000, "count": 2500, "friendly_name": "Generated {n}"}
        fx["numbers"] = [{"phone_number_id": "phnum_adopt", "phone_number": "+15552000007",
                          "label": "Already imported"}]
        self.emu = self.start_emulator(fx)
        self.mapped = {"+15551234567", "+15552000000", "+15552002499"}
        self.mapping("""  - phone_number: "+15551234567"
    label: Support
    agent: support
  - phone_number: "+15552000000"
    label: First generated
  - phone_number: "+15552002499"
    label: Last generated
""")

    def owned(self):
        numbers = {f"+1555{2000000 + i}": f"Generated +1555{2000000 + i}" for i in range(2500)}
        numbers.update({n: "Owned " + n for n in ("+15551234567", "+15551234568", "+15550001111")})
        return numbers

    def test_lists_exactly_the_unmapped_numbers_in_three_requests(self):
        self.emu.clear_requests()
        p = self.sync("discover", "--twilio-account", "main", emulator=self.emu)
        self.assertExit(p, 0)
        found = entries(p.stdout)
        want = {n: label for n, label in self.owned().items() if n not in self.mapped}
        self.assertEqual(len(found), len(want))
        self.assertEqual({n: label for n, label, _, _ in found}, want)
        self.assertEqual([n for n, _, _, _ in found], sorted(want), "sorted by number")
        self.assertTrue(all(acct == "main" for _, _, acct, _ in found))
        marks = {n: c for n, _, _, c in found if c}
        self.assertEqual(marks, {"+15552000007": "already in XUNA (phnum_adopt)"})
        self.assertIn(f"# Twilio account 'main' ({ACCOUNT_SID}) owns 2503 numbers; 2500 not in "
                      "the mapping, 1 of them already in XUNA.", p.stdout)

        tw = twilio_requests(self.emu)
        self.assertEqual(len(tw), 3, [r["query"] for r in tw])
        self.assertTrue(all(r["path"] == LIST_PATH and r["status"] == 200 for r in tw))
        self.assertEqual(tw[0]["query"], "PageSize=1000")
        self.assertNoSecrets()

        # pasted under numbers:, the entries make a mapping validate accepts
        self.mapping("""  - phone_number: "+15551234567"
    label: Support
""" + p.stdout)
        v = self.sync("validate")
        self.assertExit(v, 0)
        self.assertIn("2501 numbers", v.stdout)

    def test_without_a_xuna_key_it_still_works_but_says_it_could_not_check(self):
        p = self.sync("discover", "--twilio-account", "main", emulator=self.emu,
                      env=self.env(XUNA_API_KEY=None))
        self.assertExit(p, 0)
        self.assertEqual(len(entries(p.stdout)), 2500)
        self.assertNotIn("already in XUNA (", p.stdout)
        self.assertIn("could not check which numbers are already in XUNA", p.stderr)

    def test_wrong_token_exits_1_naming_the_account_and_never_the_token(self):
        wrong = "wrong_" + secrets.token_hex(12)
        p = self.sync("discover", "--twilio-account", "main", emulator=self.emu,
                      env=self.env(TWILIO_MAIN_AUTH_TOKEN=wrong))
        self.assertExit(p, 1)
        self.assertIn(f"Twilio account 'main' ({ACCOUNT_SID}): 401 Authenticate (code 20003): "
                      "check TWILIO_MAIN_AUTH_TOKEN", p.stderr)
        self.assertEqual(entries(p.stdout), [])
        for blob in (p.stdout, p.stderr, json.dumps(self.emu.requests())):
            self.assertNotIn(wrong, blob)
        self.assertNoSecrets()

    def test_out_writes_a_mapping_and_refuses_to_overwrite_without_force(self):
        out = os.path.join(self.dir, "mappings", "discovered.yaml")
        p = self.sync("discover", "--twilio-account", "main", "--out", out, emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(p.stdout, "")
        self.assertIn("wrote 2500 numbers to", p.stderr)
        text = read(out)
        self.assertIn("\nversion: 1\n", text)
        self.assertEqual(len(entries(text)), 2500)
        # beside the mapping it came from (same account definition), and alone
        v = self.sync("validate")
        self.assertExit(v, 0)
        self.assertIn("2503 numbers", v.stdout)
        self.assertExit(self.sync("validate", "-f", out), 0)

        self.write("mappings/discovered.yaml", "keep me\n")
        p = self.sync("discover", "--twilio-account", "main", "--out", out, emulator=self.emu)
        self.assertExit(p, 3)
        self.assertIn("already exists; use --force", p.stderr)
        self.assertEqual(read(out), "keep me\n")
        p = self.sync("discover", "--twilio-account", "main", "--out", out, "--force",
                      "-f", os.path.join(self.dir, "mappings", "main.yaml"), emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(len(entries(read(out))), 2500)

    def test_usage_errors(self):
        self.assertExit(self.sync("discover", emulator=self.emu), 3)
        self.assertExit(self.sync("discover", "--all", "--twilio-account", "main",
                                  emulator=self.emu), 3)
        p = self.sync("discover", "--twilio-account", "mian", emulator=self.emu)
        self.assertExit(p, 3)
        self.assertIn("no Twilio account 'mian' in the mapping (it defines: main)", p.stderr)
        self.assertEqual(twilio_requests(self.emu), [])

    def test_awkward_friendly_names_make_labels_validate_accepts(self):
        names = {"+15550000001": 'Front "desk": #1\nsecond line', "+15550000002": "Zürich ☎ 'x'",
                 "+15550000003": "", "+15550000004": "   ", "+15550000005": "  padded  "}
        fx = self.fixture(owned=[])
        fx["twilio_accounts"][0]["numbers"] = [
            {"phone_number": n, "friendly_name": f} for n, f in names.items()]
        emu = self.start_emulator(fx)
        out = os.path.join(self.dir, "mappings", "discovered.yaml")
        self.assertExit(self.sync("discover", "--twilio-account", "main", "--out", out,
                                  emulator=emu), 0)
        text = read(out)
        self.assertIn('label: "Front \\"desk\\": #1\\nsecond line"', text)
        self.assertIn('label: "+15550000003"', text)  # blank: the number itself
        self.assertIn('label: "+15550000004"', text)
        self.assertIn('label: "padded"', text)
        v = self.sync("validate", "-f", out)
        self.assertExit(v, 0)
        self.assertIn("5 numbers", v.stdout)

    def test_rate_limited_pages_are_retried(self):
        self.emu.set_faults(rate_limit_rps=1)
        p = self.sync("discover", "--twilio-account", "main", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(len(entries(p.stdout)), 2500)
        tw = twilio_requests(self.emu)
        self.assertTrue(any(r["status"] == 429 for r in tw), [r["status"] for r in tw])
        self.assertEqual(sum(r["status"] == 200 for r in tw), 3)


NUMBERS = """  - phone_number: "+15551234567"
    label: Customer Support Line
    agent: support
  - phone_number: "+15551234568"
    label: Sales Line
    agent: sales
  - phone_number: "+15559990000"
    label: Not owned
    agent: support
  - phone_number: "+15551234571"
    label: Fax Line
"""


class OwnershipPreflight(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator()
        self.mapping(NUMBERS)

    def test_plan_shows_the_unowned_number_as_an_error_and_apply_lands_the_rest(self):
        p = self.sync("plan", emulator=self.emu)
        self.assertExit(p, 1)
        self.assertIn("  x error   +15559990000    Twilio account 'main' does not own "
                      "+15559990000", p.stdout)
        self.assertIn("Plan: 3 to import, 2 to assign", p.stdout)
        self.assertIn("1 error.", p.stdout)
        tw = twilio_requests(self.emu)
        self.assertEqual(len(tw), 1, "one list per account, not one per number")
        self.assertEqual(self.emu.writes(), [])

        p = self.sync("plan", "--format", "json", emulator=self.emu)
        self.assertExit(p, 1)
        errors = json.loads(p.stdout)["errors"]
        self.assertEqual([e["phone_number"] for e in errors], ["+15559990000"])
        self.assertIn("does not own", errors[0]["message"])

        self.emu.clear_requests()
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 1)
        self.assertIn("+15559990000", p.stdout)
        imported = [w["body"]["phone_number"] for w in self.emu.writes() if w["method"] == "POST"]
        self.assertEqual(sorted(imported), ["+15551234567", "+15551234568", "+15551234571"])
        live = self.emu.numbers()
        self.assertNotIn("+15559990000", live)
        self.assertEqual(live["+15551234567"]["agent_id"], SUPPORT)
        self.assertEqual(live["+15551234568"]["agent_id"], SALES)
        self.assertNoSecrets()

    def test_wrong_token_fails_that_accounts_imports_before_anything_is_sent(self):
        wrong = "wrong_" + secrets.token_hex(12)
        p = self.sync("apply", "--auto-approve", emulator=self.emu,
                      env=self.env(TWILIO_MAIN_AUTH_TOKEN=wrong))
        self.assertExit(p, 1)
        self.assertIn(f"Twilio account 'main' ({ACCOUNT_SID}): 401 Authenticate (code 20003): "
                      "check TWILIO_MAIN_AUTH_TOKEN", p.stderr)
        self.assertIn("x error   +15551234567", p.stdout)
        self.assertEqual(self.emu.writes(), [])
        self.assertEqual(len(twilio_requests(self.emu)), 1, "a 401 is not asked again")
        for blob in (p.stdout, p.stderr):
            self.assertNotIn(wrong, blob)
        self.assertNoSecrets()

    def apply_first_number_only(self):
        """A history for the state: the mapping's first number applied alone."""
        self.mapping(NUMBERS.split("  - phone_number: \"+15551234568\"")[0])
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.mapping(NUMBERS)
        self.emu.clear_requests()

    def test_a_transient_failure_of_the_early_list_is_asked_again_with_retries(self):
        # The state knows the first number, not the others: they are new to the mapping, so
        # Twilio is asked while XUNA lists, once and without retries; that 503 is not final:
        # the preflight asks again, with retries.
        self.apply_first_number_only()
        flaky = FlakyTwilio(int(self.emu.url.rsplit(":", 1)[1]))
        self.addCleanup(flaky.stop)
        p = self.sync("plan", "--api-url", self.emu.url, env=self.env(TWILIO_API_URL=flaky.url))
        self.assertExit(p, 1)
        self.assertIn("does not own +15559990000", p.stdout)
        self.assertIn("Plan: 2 to import, 1 to assign", p.stdout)
        self.assertNotIn("ownership check failed", p.stderr)
        self.assertNotIn("retrying", p.stderr)
        self.assertEqual(flaky.hits, 2, "the early list once, then the preflight's")
        # Failing twice: the preflight's retry (after a backoff) still gets the list.
        flaky = FlakyTwilio(int(self.emu.url.rsplit(":", 1)[1]), failures=2)
        self.addCleanup(flaky.stop)
        p = self.sync("plan", "--api-url", self.emu.url, env=self.env(TWILIO_API_URL=flaky.url))
        self.assertExit(p, 1)
        self.assertIn("Plan: 2 to import, 1 to assign", p.stdout)
        self.assertEqual(flaky.hits, 3)

    def test_twilio_is_asked_early_only_with_a_history_and_never_waited_on_without_one(self):
        owned = NUMBERS.replace("""  - phone_number: "+15559990000"
    label: Not owned
    agent: support
""", "")
        self.mapping(owned)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        # Without the state (a CI job, say) nothing is known: Twilio is asked only if the plan
        # imports, and here it does not, so not at all, reachable or not.
        self.emu.clear_requests()
        for twilio in (self.emu.url, closed_port_url()):
            p = self.sync("plan", "--detailed-exitcode", "--state", "fresh.db", "--api-url",
                          self.emu.url, env=self.env(TWILIO_API_URL=twilio))
            self.assertExit(p, 0)
            self.assertEqual(without_number_warnings(p.stderr), "")
        self.assertEqual(twilio_requests(self.emu), [])
        # With a history, a mapped number the state does not know is most likely about to be
        # imported, so Twilio is asked early. Here someone imported it by hand already: one
        # list for nothing, no warning, and Twilio being down would not matter either.
        self.emu.add_number(phone_number="+15559990000", label="Not owned", agent_id=SUPPORT)
        self.mapping(NUMBERS)
        p = self.sync("plan", "--detailed-exitcode", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(without_number_warnings(p.stderr), "")
        self.assertEqual(len(twilio_requests(self.emu)), 1)
        p = self.sync("plan", "--detailed-exitcode", "--api-url", self.emu.url,
                      env=self.env(TWILIO_API_URL=closed_port_url()))
        self.assertExit(p, 0)
        self.assertEqual(without_number_warnings(p.stderr), "")

    def test_nothing_to_import_means_no_twilio_call(self):
        self.mapping(NUMBERS.replace("""  - phone_number: "+15559990000"
    label: Not owned
    agent: support
""", ""))
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.emu.clear_requests()
        # apply changes nothing on Twilio's side, so it never reads it when nothing imports
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.assertEqual(twilio_requests(self.emu), [])
        # plan checks the routing of the numbers it cut over (routing_drift): one paged list
        # for the account, not one call per number, and none for a state without snapshots
        self.assertExit(self.sync("plan", "--detailed-exitcode", emulator=self.emu), 0)
        self.assertEqual(len(twilio_requests(self.emu)), 1)
        self.emu.clear_requests()
        self.assertExit(self.sync("plan", "--detailed-exitcode", "--state", "fresh.db",
                                  emulator=self.emu), 0)
        self.assertEqual(twilio_requests(self.emu), [])
        # apply on a state without a history (a first apply, most likely one that imports)
        # asks Twilio beside XUNA's list (issue 23); not needed, it is given up after its first
        # page, and says nothing. Twilio down does not matter either.
        for twilio in (self.emu.url, closed_port_url()):
            p = self.sync("apply", "--auto-approve", "--state", "first.db", "--api-url",
                          self.emu.url, env=self.env(TWILIO_API_URL=twilio))
            self.assertExit(p, 0)
            self.assertEqual(without_number_warnings(p.stderr), "")
        self.assertLessEqual(len(twilio_requests(self.emu)), 1)


class TwoAccounts(Case):
    """A main account and a subaccount (listed with an API key) in one mapping."""

    def setUp(self):
        super().setUp()
        self.sub_token = secrets.token_hex(16)
        self.sub_secret = secrets.token_hex(16)
        fx = self.fixture(owned=["+15551234567", "+15551234568", "+15551234569"])
        fx["twilio_accounts"].append({
            "account_sid": SUB_SID, "auth_token": self.sub_token,
            "api_keys": [{"sid": SUB_KEY, "secret": self.sub_secret}],
            "numbers": [{"phone_number": n, "friendly_name": "Sub " + n}
                        for n in ("+15557770001", "+15557770002", "+15557770003")]})
        self.emu = self.start_emulator(fx)

    def write_mapping(self, sub_key=False):
        key_line = f"    api_key_sid: {SUB_KEY}\n" if sub_key else ""
        self.write("mappings/main.yaml", f"""version: 1
twilio_accounts:
  main:
    account_sid: {ACCOUNT_SID}
    auth_token_env: TWILIO_MAIN_AUTH_TOKEN
  sub:
    account_sid: {SUB_SID}
    auth_token_env: TWILIO_SUB_AUTH_TOKEN
{key_line}agents:
  support: {SUPPORT}
  afterhours: {AFTERHOURS}
defaults:
  twilio_account: main
numbers:
  - phone_number: "+15551234567"
    label: Main support
    agent: support
  - phone_number: "+15557770001"
    label: Sub after hours
    agent: afterhours
    twilio_account: sub
  - phone_number: "+15557770002"
    label: Sub fax
    twilio_account: sub
""")

    def test_each_import_uses_its_own_accounts_credentials(self):
        self.write_mapping()
        env = self.env(TWILIO_SUB_AUTH_TOKEN=self.sub_token)
        p = self.sync("plan", emulator=self.emu, env=env)
        self.assertExit(p, 0)
        self.assertIn("(twilio: sub)", p.stdout)
        lists = sorted(r["path"] for r in twilio_requests(self.emu))
        self.assertEqual(lists, sorted([LIST_PATH, LIST_PATH.replace(ACCOUNT_SID, SUB_SID)]))

        p = self.sync("apply", "--auto-approve", emulator=self.emu, env=env)
        self.assertExit(p, 0)  # the emulator rejects an import whose credentials don't own it
        imports = {w["body"]["phone_number"]: w["body"]["twilio_account_sid"]
                   for w in self.emu.writes() if w["method"] == "POST"}
        self.assertEqual(imports, {"+15551234567": ACCOUNT_SID, "+15557770001": SUB_SID,
                                   "+15557770002": SUB_SID})
        live = self.emu.numbers()
        self.assertEqual(live["+15557770001"]["agent_id"], AFTERHOURS)
        self.assertEqual(live["+15557770002"]["twilio_account_sid"], SUB_SID)
        self.outputs.append(json.dumps(self.emu.requests()))
        self.assertNoSecrets()
        for blob in self.outputs:
            self.assertNotIn(self.sub_token, blob)

    def test_a_number_owned_by_the_other_account_is_an_error(self):
        self.write_mapping()
        self.mapping_text = read(os.path.join(self.dir, "mappings", "main.yaml"))
        self.write("mappings/main.yaml", self.mapping_text.replace(
            """  - phone_number: "+15557770002"
    label: Sub fax
    twilio_account: sub
""", """  - phone_number: "+15557770002"
    label: Sub fax
"""))
        p = self.sync("plan", emulator=self.emu, env=self.env(TWILIO_SUB_AUTH_TOKEN=self.sub_token))
        self.assertExit(p, 1)
        self.assertIn("x error   +15557770002    Twilio account 'main' does not own +15557770002",
                      p.stdout)

    def test_an_account_signed_in_with_an_api_key_cannot_import(self):
        # XUNA's import takes the account SID and auth token: a key's secret would be refused
        # once per number, so the plan says why up front and nothing is sent for them.
        self.write_mapping(sub_key=True)
        env = self.env(TWILIO_SUB_AUTH_TOKEN=self.sub_secret)
        p = self.sync("plan", emulator=self.emu, env=env)
        self.assertExit(p, 1)
        for n in ("+15557770001", "+15557770002"):
            self.assertIn(f"x error   {n}    Twilio account 'sub' signs in with API key {SUB_KEY}; "
                          "XUNA imports take the account's auth token, not a key secret", p.stdout)
        self.assertIn("drop api_key_sid and point auth_token_env at the auth token", p.stdout)
        self.assertEqual([r["path"] for r in twilio_requests(self.emu)], [LIST_PATH])
        p = self.sync("apply", "--auto-approve", emulator=self.emu, env=env)
        self.assertExit(p, 1)
        self.assertEqual([w["body"]["phone_number"] for w in self.emu.writes()
                          if w["method"] == "POST"], ["+15551234567"])
        for blob in self.outputs:
            self.assertNotIn(self.sub_secret, blob)

    def test_discover_all_lists_every_account_and_an_api_key_works(self):
        self.write_mapping(sub_key=True)
        env = self.env(TWILIO_SUB_AUTH_TOKEN=self.sub_secret)
        p = self.sync("discover", "--all", emulator=self.emu, env=env)
        self.assertExit(p, 0)
        self.assertEqual([(n, a) for n, _, a, _ in entries(p.stdout)],
                         [("+15551234568", "main"), ("+15551234569", "main"),
                          ("+15557770003", "sub")])
        self.assertIn('label: "Sub +15557770003"', p.stdout)
        # a wrong secret for one account: the other is still listed, exit 1
        p = self.sync("discover", "--all", emulator=self.emu,
                      env=self.env(TWILIO_SUB_AUTH_TOKEN="nope_" + secrets.token_hex(8)))
        self.assertExit(p, 1)
        self.assertIn(f"Twilio account 'sub' ({SUB_SID}): 401 Authenticate (code 20003): "
                      f"check TWILIO_SUB_AUTH_TOKEN and the API key {SUB_KEY}", p.stderr)
        self.assertEqual([n for n, _, _, _ in entries(p.stdout)], ["+15551234568", "+15551234569"])
        for blob in self.outputs:
            self.assertNotIn(self.sub_secret, blob)


if __name__ == "__main__":
    main()

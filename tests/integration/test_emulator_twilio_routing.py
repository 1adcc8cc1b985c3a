"""Twilio number routing in xuna-emulator, over raw HTTP: the fixture's routing in the list and
in the single-number GET, the form-encoded update with Twilio's precedence (an application
deletes the trunk and vice versa) and its errors, accounts kept apart, an import re-pointing
the number at the emulator's /twilio/inbound_call (or not, with --no-twilio-repoint), the admin
endpoints, and a request log without credentials or webhook passwords."""
import base64
import http.client
import json
import os
import subprocess
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import ACCOUNT_SID, Case, main, set_twilio_routing, twilio_routing  # noqa: E402

OTHER_SID = "AC" + "f" * 32
ROUTED = "+15551234567"    # routed through an IVR with a password in its URL
APP = "+15551234568"       # routed through a TwiML application
TRUNK = "+15551234569"     # routed through a SIP trunk
PLAIN = "+15551234570"     # nothing set: the defaults
OTHERS = "+15557770001"    # owned by the other account
SID = {n: "PN%032x" % i for i, n in enumerate([ROUTED, APP, TRUNK, PLAIN, OTHERS], 1)}
APP_SID = "AP" + "a1" * 16
APP_SID2 = "AP" + "b2" * 16
TRUNK_SID = "TK" + "c3" * 16
PASSWORD = "hunter2-webhook-secret"
IVR_URL = f"https://ops:{PASSWORD}@ivr.example.com/voice?x=1"
FIELDS = ["voice_url", "voice_method", "voice_fallback_url", "voice_fallback_method",
          "status_callback", "status_callback_method", "voice_application_sid", "trunk_sid",
          "voice_receive_mode"]
DEFAULTS = {"voice_url": None, "voice_method": "POST", "voice_fallback_url": None,
            "voice_fallback_method": "POST", "status_callback": None,
            "status_callback_method": "POST", "voice_application_sid": None, "trunk_sid": None,
            "voice_receive_mode": "voice"}


def number_path(account, sid):
    return f"/2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{sid}.json"


def routing_of(item):
    return {k: item[k] for k in FIELDS}


class TwilioRouting(Case):
    def setUp(self):
        super().setUp()
        self.other_token = "other-" + self.twilio_token
        self.emu = self.start_emulator(self.routing_fixture())

    def routing_fixture(self):
        fx = self.fixture(owned=[])
        fx["twilio_accounts"][0]["numbers"] = [
            {"phone_number": ROUTED, "sid": SID[ROUTED], "friendly_name": "Main IVR",
             "voice_url": IVR_URL,
             "voice_method": "GET", "voice_fallback_url": "https://fallback.example.com/f",
             "status_callback": "https://status.example.com/cb",
             "status_callback_method": "GET"},
            {"phone_number": APP, "sid": SID[APP], "voice_application_sid": APP_SID,
             "voice_url": "https://ignored.example.com/"},
            {"phone_number": TRUNK, "sid": SID[TRUNK], "trunk_sid": TRUNK_SID,
             "voice_receive_mode": "fax"},
            {"phone_number": PLAIN, "sid": SID[PLAIN]},
        ]
        fx["twilio_accounts"].append({"account_sid": OTHER_SID, "auth_token": self.other_token,
                                      "numbers": [{"phone_number": OTHERS, "sid": SID[OTHERS]}]})
        return fx

    # --- raw HTTP ----------------------------------------------------------------------------
    def call(self, method, path, user=ACCOUNT_SID, password=None, form=None, headers=None,
             emu=None):
        emu = emu or self.emu
        conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=30)
        hdrs = dict(headers or {})
        if user is not None:
            secret = self.twilio_token if password is None else password
            hdrs["Authorization"] = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            raw = r.read().decode()
            return r.status, (json.loads(raw) if raw and raw[0] in "[{" else raw), dict(r.getheaders())
        finally:
            conn.close()

    def update(self, phone, form, **kw):
        return self.call("POST", number_path(ACCOUNT_SID, SID[phone]), form=form, **kw)

    def listed(self, emu=None, account=ACCOUNT_SID, token=None):
        status, body, _ = self.call("GET", f"/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json",
                                    user=account, password=token, emu=emu)
        self.assertEqual(status, 200, body)
        return {n["phone_number"]: n for n in body["incoming_phone_numbers"]}

    def assertTwilioError(self, reply, status, code):
        got_status, body, _ = reply
        self.assertEqual(got_status, status, body)
        self.assertEqual(set(body), {"code", "message", "more_info", "status"}, body)
        self.assertEqual((body["code"], body["status"]), (code, status), body)
        self.assertEqual(body["more_info"], f"https://www.twilio.com/docs/errors/{code}")
        return body["message"]

    # --- reading -----------------------------------------------------------------------------
    def test_the_list_shows_each_numbers_routing_with_null_for_empty(self):
        items = self.listed()
        self.assertEqual(routing_of(items[ROUTED]), {
            **DEFAULTS, "voice_url": IVR_URL, "voice_method": "GET",
            "voice_fallback_url": "https://fallback.example.com/f",
            "status_callback": "https://status.example.com/cb", "status_callback_method": "GET"})
        self.assertEqual(routing_of(items[APP]), {
            **DEFAULTS, "voice_url": "https://ignored.example.com/", "voice_application_sid": APP_SID})
        self.assertEqual(routing_of(items[TRUNK]),
                         {**DEFAULTS, "trunk_sid": TRUNK_SID, "voice_receive_mode": "fax"})
        self.assertEqual(routing_of(items[PLAIN]), DEFAULTS)
        self.assertEqual(items[PLAIN]["sid"], SID[PLAIN])

    def test_generated_numbers_take_the_generate_blocks_routing(self):
        fx = self.routing_fixture()
        fx["twilio_accounts"][1]["generate"] = {
            "prefix": "+1666", "count": 3, "voice_url": "https://pbx.example.com/in",
            "trunk_sid": TRUNK_SID, "status_callback_method": "get"}
        emu = self.start_emulator(fx)
        items = self.listed(emu, account=OTHER_SID, token=self.other_token)
        generated = [n for p, n in items.items() if p.startswith("+1666")]
        self.assertEqual(len(generated), 3)
        for n in generated:
            self.assertEqual(routing_of(n), {**DEFAULTS, "voice_url": "https://pbx.example.com/in",
                                             "trunk_sid": TRUNK_SID, "status_callback_method": "GET"})
        self.assertEqual(routing_of(items[OTHERS]), DEFAULTS)

    def test_list_filters_decode_plus_as_space(self):
        status, body, _ = self.call(
            "GET", f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json?FriendlyName=Main+IVR")
        self.assertEqual(status, 200, body)
        self.assertEqual([n["phone_number"] for n in body["incoming_phone_numbers"]], [ROUTED])

    def test_get_one_number_is_the_list_item(self):
        items = self.listed()
        for phone in (ROUTED, APP, TRUNK, PLAIN):
            status, body, headers = self.call("GET", number_path(ACCOUNT_SID, SID[phone]))
            self.assertEqual(status, 200, body)
            self.assertEqual(body, items[phone])
            self.assertEqual(headers["Content-Type"], "application/json")

    def test_unknown_sid_and_another_accounts_sid_are_404(self):
        for sid in ("PN" + "0" * 32, SID[OTHERS], "nonsense"):
            path = number_path(ACCOUNT_SID, sid)
            for method, form in (("GET", None), ("POST", {"VoiceUrl": "https://x.example.com/"})):
                message = self.assertTwilioError(self.call(method, path, form=form), 404, 20404)
                self.assertEqual(message, f"The requested resource {path} was not found")
        # The other account reaches its own number with its own credentials.
        status, body, _ = self.call("GET", number_path(OTHER_SID, SID[OTHERS]), user=OTHER_SID,
                                    password=self.other_token)
        self.assertEqual((status, body["phone_number"]), (200, OTHERS))
        self.assertEqual(routing_of(twilio_routing(self.emu, ROUTED))["voice_url"], IVR_URL)

    def test_bad_credentials_are_401_code_20003(self):
        path = number_path(ACCOUNT_SID, SID[PLAIN])
        cases = [dict(password="wrong"), dict(user=None), dict(user=OTHER_SID, password=self.other_token)]
        for kw in cases:
            for method, form in (("GET", None), ("POST", {"VoiceUrl": "https://evil.example.com/"})):
                status, body, headers = self.call(method, path, form=form, **kw)
                self.assertEqual(self.assertTwilioError((status, body, headers), 401, 20003),
                                 "Authenticate")
                self.assertEqual(headers["WWW-Authenticate"], 'Basic realm="Twilio API"')
        self.assertIsNone(twilio_routing(self.emu, PLAIN)["voice_url"])
        # The other account's path with this account's credentials: 401 too.
        self.assertTwilioError(self.call("GET", number_path(OTHER_SID, SID[OTHERS])), 401, 20003)

    def test_other_methods_are_405(self):
        status, body, headers = self.call("PUT", number_path(ACCOUNT_SID, SID[PLAIN]))
        self.assertEqual((status, body["code"], headers["Allow"]), (405, 20004, "GET, POST"))

    # --- updating ----------------------------------------------------------------------------
    def test_an_update_changes_only_the_fields_sent_and_answers_the_number(self):
        status, body, _ = self.update(ROUTED, {"VoiceUrl": "https://new.example.com/in",
                                               "FriendlyName": "ignored", "SmsUrl": "ignored"})
        self.assertEqual(status, 200, body)
        expected = {**routing_of(self.listed()[ROUTED])}
        self.assertEqual(routing_of(body), expected)
        self.assertEqual(expected["voice_url"], "https://new.example.com/in")
        self.assertEqual(expected["voice_method"], "GET")  # untouched
        self.assertEqual(expected["status_callback"], "https://status.example.com/cb")
        self.assertEqual(body["friendly_name"], "Main IVR")
        self.assertEqual(body, self.call("GET", number_path(ACCOUNT_SID, SID[ROUTED]))[1])

    def test_empty_values_clear_and_methods_and_mode_fall_back_to_defaults(self):
        status, body, _ = self.update(ROUTED, {f: "" for f in (
            "VoiceUrl", "VoiceMethod", "VoiceFallbackUrl", "StatusCallback",
            "StatusCallbackMethod")})
        self.assertEqual(status, 200, body)
        self.assertEqual(routing_of(body), DEFAULTS)
        status, body, _ = self.update(TRUNK, {"TrunkSid": "", "VoiceReceiveMode": ""})
        self.assertEqual(routing_of(body), DEFAULTS)

    def test_every_field_is_settable_and_methods_are_case_insensitive(self):
        form = {"VoiceUrl": "http://a.example.com:8080/v", "VoiceMethod": "get",
                "VoiceFallbackUrl": "https://b.example.com/f", "VoiceFallbackMethod": "GET",
                "StatusCallback": "https://c.example.com/s", "StatusCallbackMethod": "get",
                "VoiceReceiveMode": "fax"}
        status, body, _ = self.update(PLAIN, form)
        self.assertEqual(status, 200, body)
        self.assertEqual(routing_of(body), {
            **DEFAULTS, "voice_url": "http://a.example.com:8080/v", "voice_method": "GET",
            "voice_fallback_url": "https://b.example.com/f", "voice_fallback_method": "GET",
            "status_callback": "https://c.example.com/s", "status_callback_method": "GET",
            "voice_receive_mode": "fax"})

    def test_an_application_deletes_the_trunk_and_a_trunk_the_application(self):
        status, body, _ = self.update(TRUNK, {"VoiceApplicationSid": APP_SID2})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["voice_application_sid"], body["trunk_sid"]), (APP_SID2, None))
        status, body, _ = self.update(APP, {"TrunkSid": TRUNK_SID})
        self.assertEqual((body["voice_application_sid"], body["trunk_sid"]), (None, TRUNK_SID))
        self.assertEqual(body["voice_url"], "https://ignored.example.com/")  # kept, but ignored
        # Clearing one leaves the other alone; a rollback-style pair (one set, one empty) works.
        status, body, _ = self.update(APP, {"VoiceApplicationSid": ""})
        self.assertEqual((body["voice_application_sid"], body["trunk_sid"]), (None, TRUNK_SID))
        status, body, _ = self.update(APP, {"VoiceApplicationSid": APP_SID, "TrunkSid": ""})
        self.assertEqual((body["voice_application_sid"], body["trunk_sid"]), (APP_SID, None))
        items = self.listed()
        self.assertEqual((items[TRUNK]["voice_application_sid"], items[TRUNK]["trunk_sid"]),
                         (APP_SID2, None))
        self.assertEqual(items[APP]["voice_application_sid"], APP_SID)

    def test_invalid_values_are_400_with_twilio_error_bodies_and_change_nothing(self):
        before = self.listed()
        cases = [
            ({"VoiceUrl": "ftp://files.example.com/x"}, 21502, "VoiceUrl"),
            ({"VoiceUrl": "/relative/path"}, 21502, "VoiceUrl"),
            ({"VoiceUrl": "https://"}, 21502, "VoiceUrl"),
            ({"VoiceUrl": "https://a b.example.com/"}, 21502, "VoiceUrl"),
            ({"VoiceFallbackUrl": "not a url"}, 21502, "VoiceFallbackUrl"),
            ({"StatusCallback": "mailto:x@example.com"}, 21502, "StatusCallback"),
            ({"VoiceMethod": "PUT"}, 21503, "VoiceMethod"),
            ({"VoiceFallbackMethod": "DELETE"}, 21503, "VoiceFallbackMethod"),
            ({"StatusCallbackMethod": "HEAD"}, 21503, "StatusCallbackMethod"),
            ({"VoiceApplicationSid": "AP123"}, 21218, "VoiceApplicationSid"),
            ({"VoiceApplicationSid": "TK" + "c3" * 16}, 21218, "VoiceApplicationSid"),
            ({"VoiceApplicationSid": "AP" + "g" * 32}, 21218, "VoiceApplicationSid"),
            ({"TrunkSid": APP_SID}, 21219, "TrunkSid"),
            ({"VoiceReceiveMode": "sms"}, 21504, "VoiceReceiveMode"),
            ({"VoiceApplicationSid": APP_SID, "TrunkSid": TRUNK_SID}, 21220, "VoiceApplicationSid"),
            # A valid field beside an invalid one is not applied either.
            ({"VoiceUrl": "https://fine.example.com/", "VoiceMethod": "PATCH"}, 21503, "VoiceMethod"),
        ]
        for form, code, field in cases:
            with self.subTest(form=form):
                message = self.assertTwilioError(self.update(ROUTED, form), 400, code)
                self.assertIn(field, message)
        self.assertEqual(self.listed(), before)

    def test_a_url_may_carry_user_and_password(self):
        url = "https://user:pa%24%24@hooks.example.com:8443/in?a=1&b=2"
        status, body, _ = self.update(PLAIN, {"VoiceUrl": url})
        self.assertEqual((status, body["voice_url"]), (200, url))

    def test_a_body_that_is_not_a_form_is_400(self):
        status, body, _ = self.call("POST", number_path(ACCOUNT_SID, SID[PLAIN]),
                                    headers={"Content-Type": "application/json"},
                                    form={"VoiceUrl": "https://x.example.com/"})
        self.assertEqual((status, body["code"]), (400, 20001), body)
        self.assertIsNone(twilio_routing(self.emu, PLAIN)["voice_url"])
        # The media type is case-insensitive and may carry parameters.
        status, body, _ = self.call(
            "POST", number_path(ACCOUNT_SID, SID[PLAIN]), form={"VoiceUrl": "https://y.example.com/"},
            headers={"Content-Type": "Application/X-WWW-Form-URLEncoded; charset=utf-8"})
        self.assertEqual((status, body["voice_url"]), (200, "https://y.example.com/"), body)

    def test_the_list_cache_follows_every_change(self):
        first = self.listed()  # renders and caches every item
        self.update(PLAIN, {"VoiceUrl": "https://one.example.com/"})
        self.assertEqual(self.listed()[PLAIN]["voice_url"], "https://one.example.com/")
        set_twilio_routing(self.emu, PLAIN, voice_url="https://two.example.com/")
        second = self.listed()
        self.assertEqual(second[PLAIN]["voice_url"], "https://two.example.com/")
        self.assertEqual({k: v for k, v in second.items() if k != PLAIN},
                         {k: v for k, v in first.items() if k != PLAIN})

    def test_concurrent_updates_and_lists_stay_consistent(self):
        failures = []

        def flip(worker):
            for i in range(25):
                form = {"VoiceApplicationSid": APP_SID} if (i + worker) % 2 else {"TrunkSid": TRUNK_SID}
                status, body, _ = self.update(APP, form)
                if status != 200 or (body["voice_application_sid"] is None) == (body["trunk_sid"] is None):
                    failures.append((status, body))

        def read():
            for _ in range(25):
                n = self.listed()[APP]
                if (n["voice_application_sid"] is None) == (n["trunk_sid"] is None):
                    failures.append(n)

        threads = [threading.Thread(target=flip, args=(w,)) for w in range(4)]
        threads.append(threading.Thread(target=read))
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertEqual(failures, [])
        self.assertIsNone(self.emu.proc.poll())

    # --- the admin way (the Twilio console) ---------------------------------------------------
    def test_admin_reads_and_changes_routing_with_twilios_rules(self):
        got = twilio_routing(self.emu, TRUNK)
        self.assertEqual((got["account_sid"], got["sid"], got["phone_number"]),
                         (ACCOUNT_SID, SID[TRUNK], TRUNK))
        self.assertEqual(routing_of(got), routing_of(self.listed()[TRUNK]))
        got = set_twilio_routing(self.emu, TRUNK, voice_application_sid=APP_SID,
                                 voice_url="https://console.example.com/", voice_receive_mode=None)
        self.assertEqual(routing_of(got), {**DEFAULTS, "voice_application_sid": APP_SID,
                                           "voice_url": "https://console.example.com/"})
        self.assertEqual(routing_of(self.listed()[TRUNK]), routing_of(got))
        got = set_twilio_routing(self.emu, TRUNK, voice_url=None)
        self.assertIsNone(got["voice_url"])
        got = twilio_routing(self.emu, OTHERS, account_sid=OTHER_SID)
        self.assertEqual(got["account_sid"], OTHER_SID)
        everything = self.emu._admin("GET", "/_emulator/twilio/numbers")
        self.assertEqual(sorted(n["phone_number"] for n in everything),
                         sorted([ROUTED, APP, TRUNK, PLAIN, OTHERS]))
        # Admin calls are not logged: only the two list calls are.
        self.assertEqual([e["path"] for e in self.emu.requests()],
                         [f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json"] * 2)

    def test_admin_refuses_bad_input(self):
        for phone, fields, status in ((PLAIN, {"voice_urll": "https://x.example.com/"}, 400),
                                      (PLAIN, {"voice_url": "ftp://x"}, 400),
                                      (PLAIN, {"trunk_sid": 5}, 400),
                                      ("+19990000000", {}, 404)):
            with self.subTest(fields=fields):
                with self.assertRaises(harness.urllib.error.HTTPError) as caught:
                    set_twilio_routing(self.emu, phone, **fields)
                self.assertEqual(caught.exception.code, status)
                self.assertIn("detail", json.loads(caught.exception.read()))
        self.assertEqual(routing_of(twilio_routing(self.emu, PLAIN)), DEFAULTS)

    # --- import re-points the number ----------------------------------------------------------
    def import_number(self, emu, phone):
        conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=30)
        body = json.dumps({"label": "L", "phone_number": phone, "twilio_account_sid": ACCOUNT_SID,
                           "twilio_auth_token": self.twilio_token})
        try:
            conn.request("POST", "/v1/convai/phone-numbers", body=body,
                         headers={"xi-api-key": self.api_key, "Content-Type": "application/json"})
            r = conn.getresponse()
            self.assertEqual(r.status, 200, r.read())
            r.read()
        finally:
            conn.close()

    def test_an_import_points_the_number_at_the_emulators_inbound_call(self):
        before = self.listed()
        for phone in (ROUTED, APP, TRUNK):
            self.import_number(self.emu, phone)
        after = self.listed()
        inbound = self.emu.url + "/twilio/inbound_call"
        self.assertEqual(routing_of(after[ROUTED]), {
            **routing_of(before[ROUTED]), "voice_url": inbound, "voice_method": "POST"})
        # An application or a trunk stays: the number still bypasses XUNA.
        self.assertEqual(routing_of(after[APP]), {**routing_of(before[APP]), "voice_url": inbound})
        self.assertEqual(after[APP]["voice_application_sid"], APP_SID)
        self.assertEqual(after[TRUNK]["trunk_sid"], TRUNK_SID)
        self.assertEqual(after[PLAIN], before[PLAIN])
        self.assertEqual(twilio_routing(self.emu, ROUTED)["voice_url"], inbound)

    def test_no_twilio_repoint_leaves_routing_alone(self):
        emu = self.start_emulator(self.routing_fixture(), extra_args=["--no-twilio-repoint"])
        before = self.listed(emu)
        self.import_number(emu, ROUTED)
        self.import_number(emu, PLAIN)
        self.assertEqual(self.listed(emu), before)

    def test_public_origin_sets_the_address_imports_point_at(self):
        emu = self.start_emulator(self.routing_fixture(),
                                  extra_args=["--public-origin", "https://xuna.example.com:8443/"])
        self.import_number(emu, PLAIN)
        self.assertEqual(self.listed(emu)[PLAIN]["voice_url"],
                         "https://xuna.example.com:8443/twilio/inbound_call")

    def test_inbound_call_answers_twiml_without_auth(self):
        for method in ("POST", "GET"):
            status, body, headers = self.call(method, "/twilio/inbound_call", user=None,
                                              form={"CallSid": "CA1", "From": "+15550000000"}
                                              if method == "POST" else None)
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"], "text/xml")
            self.assertEqual(body, '<?xml version="1.0" encoding="UTF-8"?>'
                                   "<Response><Say>XUNA</Say></Response>")
        status, _, headers = self.call("DELETE", "/twilio/inbound_call", user=None)
        self.assertEqual((status, headers["Allow"]), (405, "GET, POST"))

    # --- secrets -----------------------------------------------------------------------------
    def test_the_request_log_holds_no_credentials_and_no_url_password(self):
        log_path = os.path.join(self.dir, "requests.jsonl")
        emu = self.start_emulator(self.routing_fixture(), extra_args=["--log", log_path])
        secret_url = f"https://admin:{PASSWORD}@pbx.example.com/in"
        status, body, _ = self.update(PLAIN, {"VoiceUrl": secret_url,
                                              "StatusCallback": f"http://u:{PASSWORD}x@s.example.com"},
                                      emu=emu)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["voice_url"], secret_url)  # Twilio answers what was stored
        self.assertTwilioError(self.update(PLAIN, {"VoiceUrl": f"ftp://a:{PASSWORD}@x/y"}, emu=emu),
                               400, 21502)
        self.update(PLAIN, {"VoiceFallbackUrl": f"https://a:{PASSWORD}/z@h.example.com/"}, emu=emu)
        self.call("GET", number_path(ACCOUNT_SID, SID[PLAIN]), password="wrong-" + PASSWORD, emu=emu)
        self.import_number(emu, ROUTED)
        entries = emu.requests()
        posts = [e for e in entries if e["method"] == "POST" and "IncomingPhoneNumbers" in e["path"]]
        self.assertEqual(posts[0]["body"], {
            "StatusCallback": "http://u:***@s.example.com",
            "VoiceUrl": "https://admin:***@pbx.example.com/in"})
        self.assertEqual([e["status"] for e in posts], [200, 400, 400])
        with open(log_path) as f:
            file_text = f.read()
        self.assertEqual(len(file_text.splitlines()), len(entries))
        for blob in (json.dumps(entries), file_text):
            for secret in (PASSWORD, self.twilio_token, self.api_key,
                           base64.b64encode(f"{ACCOUNT_SID}:{self.twilio_token}".encode()).decode()):
                self.assertNotIn(secret, blob)

    def test_fixture_routing_is_checked(self):
        for key, value, message in (("voice_url", "ftp://x", "not a valid URL"),
                                    ("voice_method", "PUT", "must be GET or POST"),
                                    ("trunk_sid", "TK1", "not a valid trunk SID"),
                                    ("voice_receive_mode", 7, "must be a string")):
            fx = self.routing_fixture()
            fx["twilio_accounts"][0]["numbers"][3][key] = value
            path = os.path.join(self.dir, "bad.json")
            with open(path, "w") as f:
                json.dump(fx, f)
            p = subprocess.run([harness.EMULATOR, "--fixture", path, "--port", "0"],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(f"twilio_accounts[0].numbers[3].{key}", p.stderr)
            self.assertIn(message, p.stderr)
        fx = self.routing_fixture()
        fx["twilio_accounts"][0]["numbers"][3]["sid"] = SID[ROUTED]
        with open(path, "w") as f:
            json.dump(fx, f)
        p = subprocess.run([harness.EMULATOR, "--fixture", path, "--port", "0"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("duplicate sid " + SID[ROUTED], p.stderr)

    def test_bad_public_origin_is_a_usage_error(self):
        path = os.path.join(self.dir, "fx.json")
        with open(path, "w") as f:
            json.dump(self.routing_fixture(), f)
        for origin in ("ftp://x", "https://x.example.com/path", "https://u:p@x.example.com", "nope"):
            p = subprocess.run([harness.EMULATOR, "--fixture", path, "--public-origin", origin],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("--public-origin", p.stderr)
            self.assertNotIn("u:p@", p.stderr)


if __name__ == "__main__":
    main()

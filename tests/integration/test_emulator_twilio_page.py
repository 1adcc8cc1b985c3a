"""The bytes of the emulator's Twilio IncomingPhoneNumbers page, to the letter. The page is
written by hand (src/emulator/twilio_handlers.cpp); the expected text below is what the
earlier Poco::JSON objects gave, escaping of odd friendly names and SIDs included."""
import base64
import hashlib
import http.client
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCOUNT_SID, Case, main  # noqa: E402

LIST = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json"
DATE = "Mon, 02 Jan 2023 15:04:05 +0000"

# (friendly name in the fixture, as the page writes it): Poco escapes quote, backslash and
# control characters (\u00XX upper case), and leaves '/', DEL and non-ASCII as they are.
ODD_NAMES = [
    ('quote " back \\ slash / end', b'"quote \\" back \\\\ slash / end"'),
    ("caf\u00e9 \u4e2d\u6587 \U0001F600", '"caf\u00e9 \u4e2d\u6587 \U0001F600"'.encode()),
    ("ctl \u0001\u001f tab\t nl\n cr\r bs\b ff\f del\u007f",
     b'"ctl \\u0001\\u001F tab\\t nl\\n cr\\r bs\\b ff\\f del\x7f"'),
    ("<script>&amp;\u2028", '"<script>&amp;\u2028"'.encode()),
    ("", b'""'),
]
ODD_SID = 'PN"odd/\\sid\u00e9'


def derived_sid(phone):
    """The SID the emulator gives a generated number: PN + md5(account SID + number)."""
    return "PN" + hashlib.md5((ACCOUNT_SID + phone).encode()).hexdigest()


def resource(phone, name, sid):
    """One number as the page writes it, for plain ASCII name and SID."""
    uri = f"/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{sid}"
    return (
        f'{{"account_sid":"{ACCOUNT_SID}","address_requirements":"none","address_sid":null,'
        f'"api_version":"2010-04-01","beta":false,'
        f'"capabilities":{{"voice":true,"sms":true,"mms":false,"fax":false}},'
        f'"date_created":"{DATE}","date_updated":"{DATE}","emergency_status":"Inactive",'
        f'"emergency_address_sid":null,"emergency_address_status":"unregistered",'
        f'"friendly_name":"{name}","identity_sid":null,"origin":"twilio",'
        f'"phone_number":"{phone}","sid":"{sid}","sms_application_sid":"",'
        f'"sms_fallback_method":"POST","sms_fallback_url":"","sms_method":"POST","sms_url":"",'
        f'"status_callback":null,"status_callback_method":"POST","trunk_sid":null,'
        f'"uri":"{uri}.json","voice_application_sid":null,"voice_caller_id_lookup":false,'
        f'"voice_fallback_method":"POST","voice_fallback_url":null,"voice_method":"POST",'
        f'"voice_url":null,"bundle_sid":null,"voice_receive_mode":"voice","status":"in-use",'
        f'"type":"local","subresource_uris":{{"assigned_add_ons":"{uri}/AssignedAddOns.json"}}}}')


class TwilioPage(Case):
    def setUp(self):
        super().setUp()
        fx = self.fixture(owned=[])
        account = fx["twilio_accounts"][0]
        account["numbers"] = [
            {"phone_number": f"+1444000000{i}", "friendly_name": name, "sid": f"PN{i:032d}"}
            for i, (name, _) in enumerate(ODD_NAMES)]
        account["numbers"].append(
            {"phone_number": "+14440000009", "friendly_name": "Odd sid", "sid": ODD_SID})
        account["generate"] = {"prefix": "+1555", "start": 2000000, "count": 1200,
                               "friendly_name": "Line {n}"}
        self.emu = self.start_emulator(fx)

    def get(self, query):
        conn = http.client.HTTPConnection("127.0.0.1", self.emu.port, timeout=30)
        auth = base64.b64encode(f"{ACCOUNT_SID}:{self.twilio_token}".encode()).decode()
        try:
            conn.request("GET", LIST + "?" + query, headers={"Authorization": "Basic " + auth})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def test_a_middle_page_to_the_letter(self):
        status, body = self.get("PageSize=2&Page=3&PageToken=PT6")
        self.assertEqual(status, 200)
        items = ",".join(resource(p, "Line " + p, derived_sid(p))
                         for p in ("+15552000000", "+15552000001"))
        base = LIST + "?PageSize=2&Page="
        self.assertEqual(body.decode(), (
            f'{{"end":7,"first_page_uri":"{base}0","incoming_phone_numbers":[{items}],'
            f'"next_page_uri":"{base}4&PageToken=PT8","page":3,"page_size":2,'
            f'"previous_page_uri":"{base}2&PageToken=PT4","start":6,'
            f'"uri":"{base}3&PageToken=PT6"}}'))

    def test_odd_names_and_sids_are_escaped_as_poco_did(self):
        status, body = self.get("PhoneNumber=4440000")
        self.assertEqual(status, 200)
        for i, (_, written) in enumerate(ODD_NAMES):
            self.assertIn(b'"friendly_name":' + written + b',"identity_sid":null,"origin":"twilio",'
                          b'"phone_number":"+1444000000' + str(i).encode() + b'"', body)
        sid = '"PN\\"odd/\\\\sid\u00e9'.encode()
        self.assertIn(b'"sid":' + sid + b'",', body)
        self.assertIn(b"/IncomingPhoneNumbers/" + sid[1:] + b'.json"', body)
        self.assertIn(b'"end":5,', body)
        self.assertTrue(body.endswith(b'"next_page_uri":null,"page":0,"page_size":50,'
                                      b'"previous_page_uri":null,"start":0,'
                                      b'"uri":"' + LIST.encode() +
                                      b'?PhoneNumber=4440000&PageSize=50&Page=0"}'), body[-300:])

    def test_an_empty_page_past_the_end(self):
        status, body = self.get("PageSize=1000&Page=5")
        self.assertEqual(status, 200)
        base = LIST + "?PageSize=1000&Page="
        self.assertEqual(body.decode(), (
            f'{{"end":5000,"first_page_uri":"{base}0","incoming_phone_numbers":[],'
            f'"next_page_uri":null,"page":5,"page_size":1000,'
            f'"previous_page_uri":"{base}4&PageToken=PT4000","start":5000,"uri":"{base}5"}}'))

    def test_full_pages_from_many_threads_are_the_same_bytes(self):
        first = self.get("PageSize=1000")
        self.assertEqual(first[0], 200)
        self.assertEqual(first[1].count(b'"account_sid"'), 1000)
        results = []

        def fetch():
            for _ in range(3):
                results.append(self.get("PageSize=1000"))

        threads = [threading.Thread(target=fetch) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(results), 18)
        self.assertTrue(all(r == first for r in results))


if __name__ == "__main__":
    main()

"""One form for every number: XUNA may list a number as "+1 555-123-4567"; it is read with
libphonenumber before the diff, so it is in sync, not "missing, import it" (which sent the
Twilio token with a needless import on every run). An entry that is no number is an error
naming it."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import SUPPORT, Case, Proxy, main  # noqa: E402

NUMBER = "+15551234567"


class NumberForms(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator(self.fixture(existing=[
            {"phone_number": NUMBER, "label": "Support", "agent_id": SUPPORT},
            {"phone_number": "+15550001111", "label": "Other"}]))
        self.mapping(f'  - phone_number: "{NUMBER}"\n    label: Support\n    agent: support\n')

    def via(self, forms):
        """A proxy that lists XUNA's numbers in the given written forms."""
        def answer(request, forward):
            status, headers, body = forward()
            if request.command == "GET" and request.path == "/v1/convai/phone-numbers":
                items = json.loads(body)
                for item in items:
                    item["phone_number"] = forms.get(item["phone_number"], item["phone_number"])
                body = json.dumps(items).encode()
            return status, headers, body
        proxy = Proxy(self.emu.port, answer)
        self.addCleanup(proxy.stop)
        return ["--api-url", proxy.url, "--twilio-api-url", self.emu.url]

    def test_a_number_listed_with_spaces_and_dashes_is_the_same_number(self):
        via = self.via({NUMBER: "+1 555-123-4567"})
        p = self.sync("plan", "--detailed-exitcode", *via)
        self.assertExit(p, 0)
        self.assertIn("No changes", p.stdout)
        self.assertIn("1 unchanged, 1 unmanaged", p.stdout)
        self.assertExit(self.sync("apply", "--auto-approve", *via), 0)
        self.assertEqual([r for r in self.emu.requests() if r["method"] != "GET"], [])

    def test_an_entry_that_is_no_number_is_an_error_naming_it(self):
        via = self.via({"+15550001111": "n/a"})
        p = self.sync("plan", *via)
        self.assertIn("XUNA lists 'n/a'", p.stdout + p.stderr)
        self.assertIn("cannot be read as a phone number", p.stdout + p.stderr)
        self.assertNotEqual(p.returncode, 0)


if __name__ == "__main__":
    main()

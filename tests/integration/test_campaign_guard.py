"""The campaign guard (issue 12 point 6), with the default SQLite state: a state with no record
of the target does not send a campaign whose `from` number is already in XUNA (another state
may have sent it); it records it as unknown, plan and apply say why, apply exits 1, and
`apply --resubmit NAME` sends it. A first run that imports the `from` number sends it."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Case, main  # noqa: E402

NAME = "renewals-2026-11"
NUMBERS = """  - phone_number: "+15551234567"
    label: Support Line
    agent: support
  - phone_number: "+15551234568"
    label: Sales Line
    agent: sales
"""
CAMPAIGN = f"""batch_calls:
  - name: {NAME}
    agent: sales
    from: "+15551234568"
    calls:
      - to: "+15559876543"
        first_message: "Hi, this is a follow-up call for John."
      - to: "+15557654321"
        first_message: "Hi Maria."
"""


class Guard(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator()
        self.state_dir = os.path.join(self.dir, "state")

    def batch_posts(self):
        return [r for r in self.emu.requests()
                if r["method"] == "POST" and r["path"].endswith("/batch-calls")]

    def test_a_lost_state_does_not_send_a_campaign_again_until_resubmit(self):
        self.mapping(NUMBERS + CAMPAIGN)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.assertEqual(len(self.batch_posts()), 1)

        shutil.rmtree(self.state_dir)  # the runner lost its state (CI cache evicted)
        plan = self.sync("plan", "--detailed-exitcode", emulator=self.emu)
        self.assertExit(plan, 2)  # an unknown campaign is a pending change
        self.assertNotIn(f"+ batch   {NAME}", plan.stdout)
        out = plan.stdout + plan.stderr
        self.assertIn("this state has no record of the target, and +15551234568 is already in "
                      "XUNA", out)
        self.assertIn(f"xuna-sync apply --resubmit {NAME}", out)
        js = self.sync("plan", "--format", "json", emulator=self.emu)
        self.assertExit(js, 0)
        warnings = json.loads(js.stdout)["warnings"]
        self.assertIn("batch_guard", [w["kind"] for w in warnings])
        self.assertNotIn("batch", [a["action"] for a in json.loads(js.stdout)["actions"]])

        for _ in range(2):  # recorded as unknown: the next apply does not send it either
            p = self.sync("apply", "--auto-approve", emulator=self.emu)
            self.assertExit(p, 1)
            self.assertIn(NAME, p.stdout + p.stderr)
            self.assertIn(f"--resubmit {NAME}", p.stdout + p.stderr)
            self.assertEqual(len(self.batch_posts()), 1, "the campaign was sent again")

        p = self.sync("apply", "--auto-approve", "--resubmit", NAME, emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(len(self.batch_posts()), 2)
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(len(self.batch_posts()), 2)
        self.assertNoSecrets()

    def test_a_first_run_that_imports_the_from_number_sends_the_campaign_in_one_step(self):
        self.mapping(NUMBERS + CAMPAIGN)
        plan = self.sync("plan", emulator=self.emu)
        self.assertExit(plan, 0)
        self.assertIn(f"+ batch   {NAME}", plan.stdout)
        self.assertNotIn("no record of the target", plan.stdout + plan.stderr)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.assertEqual(len(self.batch_posts()), 1)

    def test_a_state_with_history_judges_campaigns_by_its_records(self):
        self.mapping(NUMBERS)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.mapping(NUMBERS + CAMPAIGN)  # a new campaign from a number already in XUNA
        plan = self.sync("plan", emulator=self.emu)
        self.assertIn(f"+ batch   {NAME}", plan.stdout)
        self.assertExit(self.sync("apply", "--auto-approve", emulator=self.emu), 0)
        self.assertEqual(len(self.batch_posts()), 1)


if __name__ == "__main__":
    main()

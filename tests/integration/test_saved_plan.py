"""plan --out PLAN.json, then apply PLAN.json: exactly its actions, or nothing if it is stale."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import SALES, SUPPORT, Case, main  # noqa: E402

NUMBERS = """  - phone_number: "+15551234567"
    label: Support
    agent: support
  - phone_number: "+15550001111"
    label: Front Desk
    agent: support
"""


class SavedPlan(Case):
    def setUp(self):
        super().setUp()
        self.emu = self.start_emulator(self.fixture(existing=[
            {"phone_number_id": "phnum_front", "phone_number": "+15550001111",
             "label": "Front Desk", "agent_id": SALES}]))
        self.mapping(NUMBERS)
        self.plan_path = os.path.join(self.dir, "plan.json")
        self.assertExit(self.sync("plan", "--out", self.plan_path, emulator=self.emu), 0)

    def test_a_fresh_plan_applies_exactly_its_actions_without_a_prompt(self):
        with open(self.plan_path) as f:
            doc = json.load(f)
        self.assertEqual([(a["action"], a["phone_number"]) for a in doc["actions"]],
                         [("import", "+15551234567"), ("assign", "+15550001111"),
                          ("assign", "+15551234567")])
        self.assertEqual(doc["actions"][1]["before"], SALES)
        p = self.sync("apply", self.plan_path, emulator=self.emu)  # no --auto-approve, no tty
        self.assertExit(p, 0)
        writes = [(w["method"], w["path"]) for w in self.emu.writes()]
        self.assertEqual(len(writes), 3)
        self.assertEqual(self.emu.numbers()["+15550001111"]["agent_id"], SUPPORT)
        self.assertNoSecrets(self.plan_path)

    def test_a_plan_whose_before_moved_is_refused_and_nothing_is_sent(self):
        self.emu.change_number("phnum_front", agent_id=SUPPORT)
        p = self.sync("apply", self.plan_path, emulator=self.emu)
        self.assertExit(p, 5)
        self.assertIn("is stale", p.stderr)
        self.assertIn("assign +15550001111: no longer needed", p.stderr)
        self.assertEqual(self.emu.writes(), [])

    def test_a_plan_for_a_changed_mapping_is_refused(self):
        self.mapping(NUMBERS.replace("Front Desk", "Reception"))
        p = self.sync("apply", self.plan_path, emulator=self.emu)
        self.assertExit(p, 5)
        self.assertIn("the mapping changed", p.stderr)
        self.assertEqual(self.emu.writes(), [])

    def test_a_plan_for_another_target_is_refused(self):
        other = self.start_emulator()
        p = self.sync("apply", self.plan_path, emulator=other)
        self.assertExit(p, 5)
        self.assertIn("was made for another target", p.stderr)
        self.assertEqual(other.writes(), [])

    def test_a_file_that_is_not_a_plan_is_invalid_input(self):
        bad = self.write("bad.json", '{"hello": 1}')
        p = self.sync("apply", bad, emulator=self.emu)
        self.assertExit(p, 3)
        self.assertIn("not a plan file", p.stderr)


if __name__ == "__main__":
    main()

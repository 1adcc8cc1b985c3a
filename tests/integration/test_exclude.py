"""--exclude PATTERN (issue 21), beside --only, for plan, apply and rollback: a number that
matches any exclude pattern is left alone; a saved plan records the selection and
`apply PLAN.json` honours it."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, twilio_routing  # noqa: E402
from test_cutover import (APP, IVR, IVR_ROUTING, NIGHT, NIGHT_URL, PLAIN,  # noqa: E402
                          CutoverCase, imports)


class Exclude(CutoverCase):
    def setUp(self):
        super().setUp()
        self.start()
        self.map_numbers((IVR, "Support desk", "agent: support"), (NIGHT, "Night shift"),
                         (PLAIN, "Plain line"))

    def test_plan_and_apply_leave_out_what_exclude_matches(self):
        p = self.run_sync("plan", "--no-color", "--exclude", NIGHT, "--exclude", "label:Plain*",
                          code=0)
        self.assertIn(f"+ import  {IVR}", p.stdout)
        self.assertNotIn(NIGHT, p.stdout)
        self.assertNotIn(PLAIN, p.stdout)
        self.assertIn("2 not selected (--only, --exclude)", p.stdout)
        # --exclude wins over --only
        p = self.run_sync("plan", "--format", "json", "--only", "+1212*", "--exclude", "label:Night*",
                          code=0)
        planned = [a["phone_number"] for a in json.loads(p.stdout)["actions"]]
        self.assertEqual(sorted(set(planned)), sorted([IVR, PLAIN]))
        self.emu.clear_requests()
        self.run_sync("apply", "--auto-approve", "--exclude", "label:Support*", code=0)
        self.assertEqual(sorted(imports(self.emu.requests())), sorted([NIGHT, PLAIN]))
        self.assertNotIn(IVR, self.emu.numbers())

    def test_a_saved_plan_records_the_selection_and_apply_honours_it(self):
        # APP is routed through a TwiML app: a plan error (exit 1) unless it is left out
        self.map_numbers((IVR, "Support desk", "agent: support"), (NIGHT, "Night shift"),
                         (PLAIN, "Plain line"), (APP, "App line"))
        self.run_sync("plan", code=1)
        out = os.path.join(self.dir, "PLAN.json")
        self.run_sync("plan", "--exclude", "label:Night*", "--exclude", APP, "--out", out, code=0)
        with open(out) as f:
            saved = json.load(f)
        self.assertEqual(saved["selection"], {"only": [], "exclude": ["label:Night*", APP]})
        self.assertNotIn(NIGHT, [a["phone_number"] for a in saved["actions"]])
        self.emu.clear_requests()
        # applied with the plan's selection: APP is no error now either, so exit 0, not 1
        p = self.run_sync("apply", out, code=0)
        self.assertEqual(sorted(imports(self.emu.requests())), sorted([IVR, PLAIN]))
        self.assertIn("2 not selected (--only, --exclude)", p.stdout)
        self.assertNotIn(APP, p.stdout)
        # the cut-over check looked at what the plan moved, and the night line kept its routing
        self.assertEqual(twilio_routing(self.emu, NIGHT)["voice_url"], NIGHT_URL)
        self.assertNotIn(NIGHT, self.emu.numbers())

    def test_rollback_all_leaves_out_what_exclude_matches(self):
        self.run_sync("apply", "--auto-approve", code=0)
        p = self.run_sync("rollback", "--all", "--exclude", "label:Night*", "--exclude", PLAIN,
                          "--auto-approve", "--format", "json", code=0)
        report = json.loads(p.stdout)
        self.assertEqual([n["phone_number"] for n in report["numbers"]], [IVR])
        self.assertRouting(IVR, IVR_ROUTING)
        self.assertEqual(twilio_routing(self.emu, NIGHT)["voice_url"], self.inbound)
        self.assertEqual(twilio_routing(self.emu, PLAIN)["voice_url"], self.inbound)

    def test_a_malformed_pattern_is_a_usage_error(self):
        for cmd in (["plan"], ["apply", "--auto-approve"], ["rollback", "--all", "--auto-approve"]):
            p = self.run_sync(*cmd, "--exclude", "Night shift", code=3)
            self.assertIn("--exclude Night shift: expected an E.164 number, a glob on the number",
                          p.stderr)
        p = self.run_sync("plan", "--help", code=0)
        self.assertIn("--exclude PATTERN", p.stdout)
        p = self.sync("completion", "bash")
        self.assertExit(p, 0)
        self.assertIn("--exclude", p.stdout)


if __name__ == "__main__":
    main()

"""Rollback compares before it sets (issue 20 item 3), against xuna-emulator: a number re-routed
by hand in the Twilio console after the cut-over is named and left alone (exit 1) unless
--force, which keeps the hand-made routing for --undo; `rollback --all -f team-a.yaml` moves
only team A's numbers when two teams share a target and a state."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCOUNT_SID, main, set_twilio_routing, twilio_routing  # noqa: E402
from test_cutover import (IVR, IVR_ROUTING, NIGHT, NIGHT_URL, PLAIN,  # noqa: E402
                          CutoverCase, twilio_updates)

HAND_PASSWORD = "h4nd-made-pw-0420"
HAND_URL = f"https://ops:{HAND_PASSWORD}@new-ivr.example.com/voice"


class ComparesBeforeItSets(CutoverCase):
    def test_a_hand_made_routing_is_left_alone_then_forced_then_undone(self):
        self.start()
        self.map_numbers((IVR, "Support desk"), (NIGHT, "Night shift"), (PLAIN, "Plain"))
        self.run_sync("apply", "--auto-approve", code=0)
        # An operator moves NIGHT to a new IVR with a new webhook password, by hand.
        set_twilio_routing(self.emu, NIGHT, voice_url=HAND_URL, voice_method="GET")
        by_hand = twilio_routing(self.emu, NIGHT)

        self.emu.clear_requests()
        p = self.run_sync("rollback", "--all", "--auto-approve", "--no-color", code=1)
        self.assertIn(f"  ! moved    {NIGHT}  re-routed since the cut-over: Twilio sends its "
                      "calls to https://ops:***@new-ivr.example.com/voice (GET)", p.stdout)
        self.assertIn("'xuna-sync rollback --force", p.stdout)
        self.assertEqual(twilio_routing(self.emu, NIGHT), by_hand, "the hand-made routing stays")
        updated = {r["path"].rsplit("/", 1)[1] for r in twilio_updates(self.emu.requests())}
        self.assertEqual(len(updated), 2, "IVR and PLAIN only")
        self.assertEqual(twilio_routing(self.emu, IVR)["voice_url"], IVR_ROUTING["voice_url"])
        self.assertIsNone(twilio_routing(self.emu, PLAIN)["voice_url"])

        # The JSON report says so too, and again nothing is sent for NIGHT.
        p = self.run_sync("rollback", NIGHT, "--auto-approve", "--format", "json", code=1)
        item = json.loads(p.stdout)["numbers"][0]
        self.assertEqual((item["outcome"], item["changed"], item["moved_since_cutover"]),
                         ("skipped", False, True))
        self.assertEqual(twilio_routing(self.emu, NIGHT), by_hand)

        # --force restores the snapshot over it ...
        self.emu.clear_requests()
        p = self.run_sync("rollback", NIGHT, "--force", "--auto-approve", "--no-color", code=0)
        self.assertIn("(re-routed since the cut-over; --force)", p.stdout)
        self.assertEqual(twilio_routing(self.emu, NIGHT)["voice_url"], NIGHT_URL)
        self.assertEqual(len(twilio_updates(self.emu.requests())), 1)
        # ... and --undo brings the hand-made routing back, exactly.
        self.run_sync("rollback", "--undo", NIGHT, "--auto-approve", code=0)
        self.assertEqual(twilio_routing(self.emu, NIGHT), by_hand)
        self.assertNoSecrets()
        for text in self.outputs:
            self.assertNotIn(HAND_PASSWORD, text)


class TwoTeams(CutoverCase):
    def team(self, name, numbers):
        entries = "".join(f'  - phone_number: "{n}"\n    label: {name} {n[-3:]}\n' for n in numbers)
        return self.write(f"{name}.yaml", f"""version: 1
twilio_accounts:
  main:
    account_sid: {ACCOUNT_SID}
    auth_token_env: TWILIO_MAIN_AUTH_TOKEN
defaults:
  twilio_account: main
numbers:
{entries}""")

    def test_rollback_all_covers_the_given_mapping_only(self):
        self.start()
        team_a = self.team("team-a", [IVR])
        team_b = self.team("team-b", [NIGHT, PLAIN])
        self.run_sync("apply", "-f", team_a, "--auto-approve", code=0)
        self.run_sync("apply", "-f", team_b, "--auto-approve", code=0)
        at_xuna = self.inbound

        self.emu.clear_requests()
        p = self.run_sync("rollback", "--all", "-f", team_a, "--auto-approve", "--no-color",
                          code=0)
        self.assertIn("Rollback: 1 to change, 0 not.", p.stdout)
        self.assertEqual(len(twilio_updates(self.emu.requests())), 1)
        self.assertEqual(twilio_routing(self.emu, IVR)["voice_url"], IVR_ROUTING["voice_url"])
        for n in (NIGHT, PLAIN):
            self.assertEqual(twilio_routing(self.emu, n)["voice_url"], at_xuna,
                             "team B's numbers stay on XUNA")

        # Named on the command line, another team's number is rolled back.
        self.run_sync("rollback", "-f", team_a, PLAIN, "--auto-approve", code=0)
        self.assertIsNone(twilio_routing(self.emu, PLAIN)["voice_url"])
        self.assertEqual(twilio_routing(self.emu, NIGHT)["voice_url"], at_xuna)


if __name__ == "__main__":
    main()

"""The probation fallback after a cut-over (issue 22), against xuna-emulator: while the probation
lasts, a call that XUNA's webhook fails reaches the old IVR (Twilio's VoiceFallbackUrl, asked of
the emulator's /_emulator/route-call); after it, only XUNA; after a rollback, the old routing
exactly; a kill -9 between the import and the fallback leaves a state the next run completes,
with the fallback set once. Waits are bounded and nothing asserts how long anything took."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import SYNC, Proxy, main, twilio_routing  # noqa: E402
from test_cutover import (FIELDS, IVR, IVR_ROUTING, NIGHT, NIGHT_URL, PASSWORD,  # noqa: E402
                          PLAIN, CutoverCase, routing_of, twilio_updates)


class ProbationCase(CutoverCase):
    def route(self, number, xuna_answers):
        return self.emu._admin("POST", "/_emulator/route-call",
                               {"phone_number": number, "xuna_answers": xuna_answers})

    def reaches(self, number, xuna_answers):
        r = self.route(number, xuna_answers)
        return (r["reaches"], r["url"])

    def fallback_state(self, number):
        with sqlite3.connect(os.path.join(self.dir, "state", "state.db")) as db:
            row = db.execute("SELECT fallback_state, fallback_url, probation_until FROM snapshots "
                             "WHERE phone_number = ?", (number,)).fetchone()
        return row

    def map_with(self, cutover_yaml, *entries):
        self.map_numbers(*entries)
        path = os.path.join(self.dir, "mappings", "main.yaml")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("numbers:\n", cutover_yaml + "numbers:\n", 1))

    def wait_for_the_end_of_probation(self):
        """Polls plan (bounded) until the fallbacks are due to be cleared."""
        deadline = time.time() + 60
        while True:
            plan = json.loads(self.run_sync("plan", "--format", "json", code=0).stdout)
            if plan["summary"]["fallbacks_to_clear"]:
                return plan
            self.assertLess(time.time(), deadline, "the probation never ended")
            time.sleep(0.5)


class DuringProbation(ProbationCase):
    def test_a_failing_xuna_falls_back_to_the_old_ivr_until_rollback(self):
        self.start()
        self.map_numbers((NIGHT, "Night shift"), (IVR, "Support desk"), (PLAIN, "Plain"))
        # Before: the old IVR answers.
        self.assertEqual(self.reaches(NIGHT, False), ("webhook", NIGHT_URL))

        p = self.run_sync("plan", "--no-color", code=0)
        self.assertIn(f"  + fallback {NIGHT}    after the cut-over: falls back to "
                      "https://ops:***@ivr.example.com/night?x=1 (POST) until ", p.stdout)
        self.assertIn(f"  ! routing {IVR}    it already has a voice fallback "
                      "(https://fallback.example.com/voice): not overwritten", p.stdout)

        self.emu.clear_requests()
        p = self.run_sync("apply", "--auto-approve", "--no-color", code=0)
        self.assertIn(f"  + fallback  {NIGHT}  falls back to "
                      "https://ops:***@ivr.example.com/night?x=1 until ", p.stdout)
        updates = twilio_updates(self.emu.requests())
        self.assertEqual(len(updates), 1, "one update: NIGHT's fallback; IVR's own is left alone")
        self.assertEqual(updates[0]["body"]["VoiceUrl"], self.inbound)
        now = twilio_routing(self.emu, NIGHT)
        self.assertEqual((now["voice_url"], now["voice_fallback_url"], now["voice_fallback_method"]),
                         (self.inbound, NIGHT_URL, "POST"))
        self.assertEqual(twilio_routing(self.emu, IVR)["voice_fallback_url"],
                         IVR_ROUTING["voice_fallback_url"])
        state, url, until = self.fallback_state(NIGHT)
        self.assertEqual((state, url), ("set", NIGHT_URL))

        # Where calls go: XUNA while it answers, the old IVR when it does not.
        self.assertEqual(self.reaches(NIGHT, True), ("xuna", self.inbound))
        self.assertEqual(self.reaches(NIGHT, False), ("fallback", NIGHT_URL))
        self.assertEqual(self.reaches(PLAIN, False), ("nothing", None), "nothing to fall back to")

        # plan: in probation with its end; JSON and metrics say so too.
        metrics = os.path.join(self.dir, "metrics.prom")
        p = self.run_sync("plan", "--no-color", "--metrics-file", metrics, code=0)
        self.assertIn(f"  = fallback {NIGHT}    probation until {until} (falls back to "
                      "https://ops:***@ivr.example.com/night?x=1)\n", p.stdout)
        self.assertIn("; 1 in probation.", p.stdout)
        with open(metrics) as f:
            self.assertIn("\nxuna_sync_probation 1\n", f.read())
        plan = json.loads(self.run_sync("plan", "--format", "json", code=0).stdout)
        self.assertEqual(plan["probation"], [{
            "phone_number": NIGHT, "fallback_url": "https://ops:***@ivr.example.com/night?x=1",
            "probation_until": until}])
        self.assertEqual(plan["fallbacks"], [])
        self.emu.clear_requests()
        self.run_sync("apply", "--auto-approve", code=0)
        self.assertEqual(twilio_updates(self.emu.requests()), [], "nothing to do twice")

        # rollback during probation: the old routing exactly, fallback included
        self.run_sync("rollback", "--all", "--auto-approve", code=0)
        self.assertEqual(routing_of(twilio_routing(self.emu, NIGHT)),
                         {**{k: None for k in FIELDS}, "voice_url": NIGHT_URL,
                          "voice_method": "POST", "voice_fallback_method": "POST",
                          "status_callback_method": "POST", "voice_receive_mode": "voice"})
        self.assertEqual(routing_of(twilio_routing(self.emu, IVR)), IVR_ROUTING)
        self.assertEqual(self.reaches(NIGHT, False), ("webhook", NIGHT_URL))
        # --undo during probation: XUNA again, with the fallback
        self.run_sync("rollback", "--undo", NIGHT, "--auto-approve", code=0)
        self.assertEqual(self.reaches(NIGHT, True), ("xuna", self.inbound))
        self.assertEqual(self.reaches(NIGHT, False), ("fallback", NIGHT_URL))
        self.assertNoSecrets(metrics)
        for text in self.outputs:
            self.assertNotIn(PASSWORD, text)


class AfterProbation(ProbationCase):
    def test_after_the_probation_only_xuna_and_a_rollback_restores_exactly(self):
        self.start()
        self.map_with("cutover:\n  probation: 2s\n", (NIGHT, "Night shift"))
        self.run_sync("apply", "--auto-approve", code=0)
        self.assertEqual(twilio_routing(self.emu, NIGHT)["voice_fallback_url"], NIGHT_URL)

        plan = self.wait_for_the_end_of_probation()
        self.assertEqual([(f["phone_number"], f["change"]) for f in plan["fallbacks"]],
                         [(NIGHT, "clear")])
        p = self.run_sync("plan", "--no-color", "--detailed-exitcode", code=2)
        self.assertIn(f"  - fallback {NIGHT}    probation ended ", p.stdout)
        self.emu.clear_requests()
        p = self.run_sync("apply", "--auto-approve", "--no-color", code=0)
        self.assertIn(f"  - fallback  {NIGHT}  probation ended", p.stdout)
        self.assertEqual(len(twilio_updates(self.emu.requests())), 1)
        self.assertEqual(self.reaches(NIGHT, True), ("xuna", self.inbound))
        self.assertEqual(self.reaches(NIGHT, False), ("nothing", None), "only XUNA now")
        self.assertEqual(self.fallback_state(NIGHT)[0], "cleared")
        self.emu.clear_requests()
        self.run_sync("plan", "--detailed-exitcode", code=0)
        self.run_sync("apply", "--auto-approve", code=0)
        self.assertEqual(twilio_updates(self.emu.requests()), [])

        self.run_sync("rollback", NIGHT, "--auto-approve", code=0)
        self.assertEqual(twilio_routing(self.emu, NIGHT)["voice_url"], NIGHT_URL)
        self.assertIsNone(twilio_routing(self.emu, NIGHT)["voice_fallback_url"])
        self.run_sync("rollback", "--undo", NIGHT, "--auto-approve", code=0)
        self.assertEqual(self.reaches(NIGHT, False), ("nothing", None), "no fallback after it")

    def test_probation_0s_ends_it_at_the_next_run_and_keep_keeps_it(self):
        self.start()
        self.map_numbers((NIGHT, "Night shift", "cutover: {fallback: keep}"),
                         (PLAIN, "Plain", "cutover: {fallback: none}"))
        self.run_sync("apply", "--auto-approve", code=0)
        self.assertEqual(self.reaches(NIGHT, False), ("fallback", NIGHT_URL))
        # the operator ends every probation early; keep is kept all the same
        self.map_numbers((NIGHT, "Night shift", "cutover: {fallback: keep, probation: 0s}"),
                         (PLAIN, "Plain", "cutover: {fallback: none}"))
        self.emu.clear_requests()
        self.run_sync("apply", "--auto-approve", code=0)
        self.assertEqual(twilio_updates(self.emu.requests()), [])
        self.assertEqual(self.reaches(NIGHT, False), ("fallback", NIGHT_URL))


class KillBetweenImportAndFallback(ProbationCase):
    def kill_while_the_fallback_is_held(self, forward_first):
        self.start()
        self.map_numbers((NIGHT, "Night shift"))
        held = threading.Event()
        release = threading.Event()

        def answer(request, forward):
            if request.command == "POST" and "/IncomingPhoneNumbers/" in request.path:
                if forward_first:
                    forward()
                held.set()
                release.wait(60)
                return None
            return forward()

        proxy = Proxy(self.emu.port, answer)
        self.addCleanup(proxy.stop)
        self.addCleanup(release.set)
        args = ["apply", "--auto-approve", "--api-url", self.emu.url, "--twilio-api-url",
                proxy.url, "--xuna-webhook-origin", self.emu.url]
        proc = subprocess.Popen([SYNC, *args], cwd=self.dir, env=self.env(),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        self.assertTrue(held.wait(60), "the fallback's update never came")
        # decided and journaled before it was sent
        self.assertEqual(self.fallback_state(NIGHT)[:2], ("setting", NIGHT_URL))
        proc.send_signal(signal.SIGKILL)
        self.assertEqual(proc.wait(timeout=30), -signal.SIGKILL)
        release.set()
        sent = 1 if forward_first else 0
        self.assertEqual(len(twilio_updates(self.emu.requests())), sent)

        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(len(twilio_updates(self.emu.requests())), 1, "set once, not twice")
        self.assertEqual(self.fallback_state(NIGHT)[:2], ("set", NIGHT_URL))
        self.assertEqual(self.reaches(NIGHT, False), ("fallback", NIGHT_URL))
        self.assertEqual(self.reaches(NIGHT, True), ("xuna", self.inbound))
        p = self.sync("apply", "--auto-approve", emulator=self.emu)
        self.assertExit(p, 0)
        self.assertEqual(len(twilio_updates(self.emu.requests())), 1)

    def test_kill_before_the_fallback_reached_twilio(self):
        self.kill_while_the_fallback_is_held(forward_first=False)

    def test_kill_after_twilio_took_the_fallback_but_before_its_answer(self):
        self.kill_while_the_fallback_is_held(forward_first=True)


class RouteCall(ProbationCase):
    def test_twilio_precedence_and_bad_input(self):
        self.start()
        self.assertEqual(self.route("+12125550103", False)["reaches"], "application")
        self.assertEqual(self.route("+12125550104", True)["reaches"], "trunk")
        self.assertEqual(self.reaches(PLAIN, True), ("nothing", None))
        self.assertEqual(self.reaches(IVR, False), ("webhook", IVR_ROUTING["voice_url"]))
        for body in ({"phone_number": IVR}, {"xuna_answers": True},
                     {"phone_number": IVR, "xuna_answers": "yes"}):
            try:
                self.emu._admin("POST", "/_emulator/route-call", body)
                self.fail(f"accepted {body}")
            except Exception as e:  # urllib's HTTPError
                self.assertEqual(getattr(e, "code", None), 400, body)


if __name__ == "__main__":
    main()

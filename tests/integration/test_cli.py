"""The command line of the real binary: usage errors and their exit code, environment
bindings, help, and `schema` (the JSON Schema embedded at build time)."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import SOURCE_DIR, SYNC, Case, main  # noqa: E402


class CommandLine(Case):
    def test_usage_errors_exit_3_with_did_you_mean(self):
        p = self.sync("aply")
        self.assertExit(p, 3)
        self.assertIn("unknown command 'aply' (did you mean 'apply'?)", p.stderr)
        p = self.sync("apply", "--paralellism", "4")
        self.assertExit(p, 3)
        self.assertIn("unknown option '--paralellism' (did you mean '--parallelism'?)", p.stderr)
        p = self.sync("history", "--auto-approve")
        self.assertExit(p, 3)
        self.assertIn("option '--auto-approve' does not apply to 'history'", p.stderr)
        p = self.sync("apply", "--parallelism", "0")
        self.assertExit(p, 3)
        self.assertIn("--parallelism expects a whole number of at least 1, got '0'", p.stderr)
        p = self.sync("plan", "--format", "xml")
        self.assertExit(p, 3)
        self.assertIn("--format expects text|json, got 'xml'", p.stderr)
        p = self.sync("plan", "--api-key", "xk_on_the_command_line")
        self.assertExit(p, 3)
        self.assertIn("unknown option '--api-key'", p.stderr)
        self.assertNotIn("xk_on_the_command_line", p.stderr + p.stdout)

    def test_a_usage_error_is_a_json_log_line_with_json_logs(self):
        p = self.sync("plan", "--detailed-exit-code", "--log-format=json")
        self.assertExit(p, 3)
        line = json.loads(p.stderr.strip())
        self.assertEqual(line["level"], "error")
        self.assertIn("did you mean '--detailed-exitcode'?", line["msg"])

    def test_environment_binding_of_the_state(self):
        # XUNA_SYNC_STATE names the state; --state, before or after the command, wins.
        env = self.env(XUNA_SYNC_STATE=os.path.join(self.dir, "from-env.db"))
        p = self.sync("state", "show", env=env)
        self.assertExit(p, 3)
        self.assertIn("no state at " + os.path.join(self.dir, "from-env.db"), p.stderr)
        for args in (("state", "show", "--state", "from-flag.db"),
                     ("--state=from-flag.db", "state", "show")):
            p = self.sync(*args, env=env)
            self.assertExit(p, 3)
            self.assertIn("no state at from-flag.db", p.stderr)

    def test_help_lists_commands_options_and_environment(self):
        p = self.sync("--help")
        self.assertExit(p, 0)
        for c in ("validate", "plan", "apply", "discover", "export", "history", "state",
                  "rollback", "schema"):
            self.assertIn("\n  " + c + " ", p.stdout)
        self.assertIn("(env XUNA_API_URL)", p.stdout)
        p = self.sync("rollback", "--help")
        self.assertExit(p, 0)
        self.assertTrue(p.stdout.startswith("Usage: xuna-sync rollback"), p.stdout)
        self.assertIn("  --undo ", p.stdout)
        self.assertEqual(self.sync("help", "rollback").stdout, p.stdout)


class Schema(Case):
    def test_schema_prints_the_repository_file(self):
        p = self.sync("schema")
        self.assertExit(p, 0)
        with open(os.path.join(SOURCE_DIR, "schema", "mapping.schema.json")) as f:
            text = f.read()
        self.assertEqual(p.stdout, text)
        schema = json.loads(p.stdout)
        self.assertEqual(schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
        self.assertExit(self.sync("schema", "extra"), 3)


if __name__ == "__main__":
    main()

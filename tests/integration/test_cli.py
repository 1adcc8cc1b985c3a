"""The command line of the real binary: usage errors and their exit code, environment
bindings, help, `schema` (the JSON Schema embedded at build time) and `completion bash|zsh`
driven with bash's own completion machinery (and `zsh -n` when zsh is installed)."""
import json
import os
import shutil
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
        self.assertIn("--format expects text|json|markdown, got 'xml'", p.stderr)
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
                  "rollback", "schema", "completion"):
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


def bash_complete(words, cword=None, cwd=None):
    """COMPREPLY of xuna-sync's bash completion for COMP_WORDS=words at COMP_CWORD=cword
    (default: the last word), run in a fresh bash."""
    cword = len(words) - 1 if cword is None else cword
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    script = (f'source <("$XS" completion bash) && complete -p xuna-sync && '
              f'COMP_WORDS=({quoted}); COMP_CWORD={cword}; '
              f'COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}; '
              f'_xuna_sync && printf "%s\\n" "${{COMPREPLY[@]}}"')
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True,
                       text=True, timeout=30, cwd=cwd, env={**os.environ, "XS": os.path.abspath(SYNC)})
    if p.returncode != 0:
        raise AssertionError(f"bash failed: {p.stderr}")
    lines = p.stdout.splitlines()
    return lines[0], [l for l in lines[1:] if l]


class Completion(Case):
    def test_bash_registers_the_function(self):
        registration, _ = bash_complete(["xuna-sync", ""])
        self.assertEqual(registration, "complete -F _xuna_sync xuna-sync")

    def test_bash_completes_commands(self):
        _, words = bash_complete(["xuna-sync", "pl"])
        self.assertEqual(words, ["plan"])
        _, words = bash_complete(["xuna-sync", "s"])
        self.assertEqual(sorted(words), ["schema", "state"])
        _, words = bash_complete(["xuna-sync", ""])
        for c in ("validate", "plan", "apply", "rollback", "completion"):
            self.assertIn(c, words)

    def test_bash_completes_the_options_of_the_command(self):
        _, words = bash_complete(["xuna-sync", "apply", "--"])
        for o in ("--auto-approve", "--parallelism", "--file", "--max-changes", "--resubmit",
                  "--api-url", "--state", "--help"):
            self.assertIn(o, words)
        self.assertNotIn("--limit", words)  # history's
        self.assertNotIn("--api-key", words)
        _, words = bash_complete(["xuna-sync", "history", "--"])
        self.assertIn("--limit", words)
        self.assertNotIn("--auto-approve", words)
        _, words = bash_complete(["xuna-sync", "apply", "--par"])
        self.assertEqual(words, ["--parallelism"])

    def test_bash_completes_values_and_files(self):
        self.write("maps/one.yaml", "version: 1\n")
        self.write("maps/two.yaml", "version: 1\n")
        _, words = bash_complete(["xuna-sync", "plan", "--format", ""])
        self.assertEqual(sorted(words), ["json", "markdown", "text"])
        _, words = bash_complete(["xuna-sync", "apply", "--format", ""])
        self.assertEqual(sorted(words), ["json", "text"])
        _, words = bash_complete(["xuna-sync", "rollback", "--ex"])
        self.assertEqual(words, ["--exclude"])
        _, words = bash_complete(["xuna-sync", "completion", ""])
        self.assertEqual(sorted(words), ["bash", "zsh"])
        _, words = bash_complete(["xuna-sync", "state", "c"])
        self.assertEqual(words, ["copy"])
        for opt in ("-f", "--file", "--state", "--metrics-file", "--ca-file"):
            _, words = bash_complete(["xuna-sync", "apply", opt, "maps/t"], cwd=self.dir)
            self.assertEqual(words, ["maps/two.yaml"], opt)
        _, words = bash_complete(["xuna-sync", "plan", "--out", "maps/o"], cwd=self.dir)
        self.assertEqual(words, ["maps/one.yaml"])
        _, words = bash_complete(["xuna-sync", "apply", "--file", "=", "maps/o"], cwd=self.dir)
        self.assertEqual(words, ["maps/one.yaml"])  # --file=maps/o, as bash splits it
        _, words = bash_complete(["xuna-sync", "apply", "--parallelism", "maps/"], cwd=self.dir)
        self.assertEqual(words, [])  # a number, not a file

    def test_zsh_script_is_produced_and_parses(self):
        p = self.sync("completion", "zsh")
        self.assertExit(p, 0)
        self.assertTrue(p.stdout.startswith("#compdef xuna-sync\n"))
        for word in ("'plan:", "--auto-approve", "--max-reassign-percent",
                     "'*--file=[a mapping file or a folder of them]:PATH:_files'",
                     "'*--only=[", "'--format=[output format]:text|json:(text json)'"):
            self.assertIn(word, p.stdout)
        self.assertExit(self.sync("completion", "fish"), 3)
        if not shutil.which("zsh"):
            self.skipTest("zsh is not installed")
        path = self.write("_xuna-sync", p.stdout)
        z = subprocess.run(["zsh", "-n", path], capture_output=True, text=True, timeout=30)
        self.assertEqual(z.returncode, 0, z.stderr)


if __name__ == "__main__":
    main()

"""The CI examples in contrib/ci (issue 21) as far as they can be checked here: both files are
valid YAML with the jobs the flow needs, every xuna-sync command they run exists and takes
the flags they give it (asked of the built binary's own --help), the Markdown marker they look
for is the one plan writes, and their shell parses (bash -n)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import SOURCE_DIR, SYNC, Case, main  # noqa: E402

CI = os.path.join(SOURCE_DIR, "contrib", "ci")
MARKER = "<!-- xuna-sync plan -->"


def load(name):
    import yaml
    with open(os.path.join(CI, name)) as f:
        return yaml.safe_load(f)


def scripts_of(node):
    """Every shell text in a workflow: GitHub `run:` values, GitLab `script:` lists."""
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("run",) and isinstance(v, str):
                out.append(v)
            elif k in ("script", "before_script") and isinstance(v, list):
                # an unquoted "NAME: value" line would be a mapping, not a command
                bad = [x for x in v if not isinstance(x, str)]
                assert not bad, f"{k} items that are not strings (quote them): {bad}"
                out.append("\n".join(v))
            else:
                out += scripts_of(v)
    elif isinstance(node, list):
        for v in node:
            out += scripts_of(v)
    return out


def xuna_sync_calls(script):
    """(command, [flags]) of each xuna-sync call, continuation lines joined."""
    joined = script.replace("\\\n", " ")
    calls = []
    for m in re.finditer(r"(?:^|[\s;(|&])xuna-sync\s+([a-z]+)([^\n;|&>]*)", joined):
        calls.append((m.group(1), re.findall(r"(?<!\S)(--[a-z-]+)", m.group(2))))
    return calls


class CiExamples(Case):
    def check_calls(self, doc, expected_commands):
        calls = []
        for s in scripts_of(doc):
            calls += xuna_sync_calls(s)
            # GitHub expressions are not shell: leave them out, then the shell must parse
            shell = re.sub(r"\$\{\{[^}]*\}\}", "X", s)
            p = subprocess.run(["bash", "-n"], input=shell, capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, f"{p.stderr}\n{shell}")
        self.assertEqual(sorted({c for c, _ in calls}), sorted(expected_commands), calls)
        for command, flags in calls:
            p = subprocess.run([SYNC, command, "--help"], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            for flag in flags:
                self.assertRegex(p.stdout, r"(?m)^\s+(-\w, )?" + re.escape(flag) + r"\b",
                                 f"xuna-sync {command} has no {flag}")
        return calls

    def test_github_actions_workflow(self):
        wf = load("github-actions.yml")
        triggers = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as true
        self.assertEqual(set(triggers), {"pull_request", "push", "schedule", "workflow_dispatch"})
        self.assertEqual(set(wf["jobs"]), {"plan", "apply", "drift"})
        calls = self.check_calls(wf, ["apply", "plan"])
        self.assertIn(("plan", ["--detailed-exitcode", "--format", "--out"]), calls)
        self.assertIn(("apply", ["--no-color"]), calls)
        text = open(os.path.join(CI, "github-actions.yml")).read()
        self.assertIn("xuna-sync apply PLAN.json", text)
        self.assertIn(f"const marker = '{MARKER}'", text)
        uploads = [s for s in wf["jobs"]["plan"]["steps"]
                   if s.get("uses", "").startswith("actions/upload-artifact")]
        self.assertEqual([s["with"]["path"] for s in uploads], ["PLAN.json"])
        downloads = [s for s in wf["jobs"]["apply"]["steps"]
                     if s.get("uses", "").startswith("actions/download-artifact")]
        self.assertEqual(downloads[0]["with"]["name"], uploads[0]["with"]["name"])
        self.assertIn("run-id", downloads[0]["with"])

    def test_gitlab_ci_example(self):
        doc = load("gitlab-ci.yml")
        self.assertEqual({k for k in doc if k.startswith("xuna-sync:")},
                         {"xuna-sync:plan", "xuna-sync:apply", "xuna-sync:drift"})
        self.check_calls(doc, ["apply", "plan"])
        self.assertEqual(doc["xuna-sync:plan"]["artifacts"]["paths"], ["PLAN.json"])
        text = open(os.path.join(CI, "gitlab-ci.yml")).read()
        self.assertIn(f'startswith("{MARKER}")', text)
        self.assertIn('select(.name == "xuna-sync:plan")', text)

    def test_the_marker_is_the_first_line_plan_writes(self):
        with open(os.path.join(SOURCE_DIR, "src", "report", "markdown.h")) as f:
            self.assertIn(f'kMarkdownMarker = "{MARKER}"', f.read())


if __name__ == "__main__":
    try:
        import yaml  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            print("FAIL: python3-yaml is required under CI=true (scripts/install-deps.sh)")
            raise SystemExit(1)
        print("skipped: python3-yaml is not installed")
        raise SystemExit(125)
    main()

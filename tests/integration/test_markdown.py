"""The Markdown plan (issue 21): `plan --format markdown` rendered by a real GFM renderer
(cmark-gfm, as GitHub renders comments): the counts table and the <details> blocks are there,
a hostile label injects no HTML; 3,000 imports stay under the size limit with a note on what
was left out; GITHUB_STEP_SUMMARY gets the plan and the apply report appended."""
import html.parser
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from bulk import bulk_fixture, bulk_mapping, bulk_numbers  # noqa: E402
from harness import SUPPORT, Case, main, require_tools  # noqa: E402

HOSTILE = '</details><script>alert(1)</script><img src=x onerror=alert(2)> | @everyone'


class Tags(html.parser.HTMLParser):
    """Counts the start tags of an HTML fragment; keeps the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.starts, self.ends, self.text = {}, {}, []

    def handle_starttag(self, tag, attrs):
        self.starts[tag] = self.starts.get(tag, 0) + 1

    def handle_endtag(self, tag):
        self.ends[tag] = self.ends.get(tag, 0) + 1

    def handle_data(self, data):
        self.text.append(data)


def render(markdown):
    """GitHub-flavoured Markdown to HTML, raw HTML allowed (as GitHub allows <details>), no
    tag filter: what is not escaped would show."""
    p = subprocess.run(["cmark-gfm", "--unsafe", "-e", "table", "-e", "autolink"],
                       input=markdown, capture_output=True, text=True, timeout=60, check=True)
    tags = Tags()
    tags.feed(p.stdout)
    return p.stdout, tags


class Markdown(Case):
    def test_the_plan_renders_with_its_table_and_blocks_and_no_injected_html(self):
        self.mapping(f"""  - phone_number: "+15551234567"
    label: "{HOSTILE.replace('"', '')}"
    agent: support
  - phone_number: "+15551234568"
    label: Sales
""")
        emu = self.start_emulator(self.fixture(existing=[
            {"phone_number_id": "pn_1", "phone_number": "+15551234568", "label": "<b>Old</b>",
             "agent_id": SUPPORT}]))
        p = self.sync("plan", "--format", "markdown", emulator=emu)
        self.assertExit(p, 0)
        md = p.stdout
        self.assertTrue(md.startswith("<!-- xuna-sync plan -->\n"))
        page, tags = render(md)
        self.assertEqual(tags.starts.get("details"), 3, page)  # imports, assigns, warnings
        self.assertEqual(tags.ends.get("details"), 3, page)
        self.assertEqual(tags.starts.get("summary"), 3, page)
        self.assertGreaterEqual(tags.starts.get("table", 0), 4, page)  # counts + 3 blocks
        for tag in ("script", "img", "b"):
            self.assertNotIn(tag, tags.starts, page)
        text = "".join(tags.text)
        self.assertIn("</details><script>alert(1)</script>", text)  # shown as text
        self.assertNotIn("@everyone", text)  # a word joiner keeps it from mentioning
        self.assertRegex(text, r"imports\s*1")
        self.assertIn("Safety checks: passed", text.replace("**", ""))
        # the counts come before the details
        self.assertLess(page.find("<table>"), page.find("<details>"))

    def test_a_refused_plan_says_so_and_fails(self):
        numbers = bulk_numbers(12)
        bulk_mapping(self, numbers)
        emu = self.start_emulator(bulk_fixture(self, 12))
        p = self.sync("plan", "--format", "markdown", "--max-changes", "3", emulator=emu)
        self.assertExit(p, 5)
        page, _ = render(p.stdout)
        self.assertIn("refused: apply would refuse this plan", page)

    def test_3000_imports_stay_under_the_limit_with_a_note(self):
        numbers = bulk_numbers(3000)
        bulk_mapping(self, numbers)
        emu = self.start_emulator(bulk_fixture(self, 3000))
        p = self.sync("plan", "--format", "markdown", "--out", "PLAN.json", emulator=emu,
                      timeout=300)
        self.assertExit(p, 0)
        size = len(p.stdout.encode())
        self.assertLessEqual(size, 65536)
        self.assertGreater(size, 60000)  # the room is used
        m = re.search(r"\*\*([0-9,]+) of 6,000 lines left out\*\* to keep this under 65,536 "
                      r"bytes; the full plan is in PLAN\\\.json\.", p.stdout)
        self.assertTrue(m, p.stdout[-600:])
        rows = len(re.findall(r"^\| \\\+1555", p.stdout, re.M))
        self.assertEqual(rows + int(m.group(1).replace(",", "")), 6000)
        self.assertIn("| imports | 3,000 |", p.stdout)
        page, tags = render(p.stdout)
        self.assertEqual(tags.starts.get("details"), tags.ends.get("details"))
        print(f"\nmarkdown plan of 3,000 imports: {size} bytes, {rows} rows shown")
        # a smaller limit is kept too
        p = self.sync("plan", "--format", "markdown", "--markdown-max-bytes", "8000",
                      emulator=emu, timeout=300)
        self.assertExit(p, 0)
        self.assertLessEqual(len(p.stdout.encode()), 8000)
        self.assertIn("run `xuna-sync plan` for the full plan.", p.stdout)
        p = self.sync("plan", "--format", "markdown", "--markdown-max-bytes", "10", emulator=emu)
        self.assertExit(p, 3)
        self.assertIn("--markdown-max-bytes", p.stderr)

    def test_github_step_summary_gets_the_plan_and_the_apply_report(self):
        numbers = bulk_numbers(5)
        bulk_mapping(self, numbers)
        emu = self.start_emulator(bulk_fixture(self, 5))
        summary = os.path.join(self.dir, "step-summary.md")
        with open(summary, "w") as f:
            f.write("earlier step\n")
        env = self.env(GITHUB_STEP_SUMMARY=summary)
        p = self.sync("plan", emulator=emu, env=env)  # text on stdout, Markdown in the summary
        self.assertExit(p, 0)
        self.assertIn("Plan: 5 to import", p.stdout)
        self.assertNotIn("<details>", p.stdout)
        p = self.sync("apply", "--auto-approve", emulator=emu, env=env)
        self.assertExit(p, 0)
        text = open(summary).read()
        self.assertTrue(text.startswith("earlier step\n"))  # appended, not replaced
        self.assertEqual(text.count("<!-- xuna-sync plan -->"), 2)  # plan's, and apply's
        self.assertEqual(text.count("<!-- xuna-sync apply -->"), 1)
        self.assertIn("| ok | 10 |", text)  # 5 imports, 5 assigns
        page, tags = render(text)
        self.assertEqual(tags.starts.get("details"), tags.ends.get("details"))
        self.assertNoSecrets(summary)


if __name__ == "__main__":
    require_tools("cmark-gfm")
    main()

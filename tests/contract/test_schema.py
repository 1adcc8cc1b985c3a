"""The JSON Schema of the mapping format (schema/mapping.schema.json) against a real validator: ajv-cli
5.0.0 (npm) in draft 2020-12 strict mode with ajv-formats. Every valid mapping the tests use
passes (mappings/example.yaml, the integration harness's mapping, tests/contract/schema_cases/
valid/); every case in schema_cases/invalid/ fails at the place and with the keyword its
"# expect: PATH KEYWORD" line names. And xuna-sync validate agrees on each case (a case marked
"# parser: accepts" is one the schema is deliberately stricter on).

YAML is read as YAML 1.2 (npm yaml 2.9.1, core schema), as yaml-cpp and editors' yaml-language-
server read it: ajv-cli's own YAML loader (js-yaml 3) turns `from: 10:00` into 600 and an
unquoted RFC 3339 time into a Date."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import NODE_PREFIX, bin_path, harness, node_env, setup_npm  # noqa: E402

SOURCE = os.path.abspath(harness.SOURCE_DIR)
SCHEMA = os.path.join(SOURCE, "schema", "mapping.schema.json")
CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema_cases")
AJV_FLAGS = ["--spec=draft2020", "-c", "ajv-formats", "--strict=true", "--allow-union-types"]
# Keys being added to the parser by issues 11 and 15: a parser that refuses only these as
# unknown is older than the schema, not at odds with it.
NEW_KEYS = {"routing_takeover", "suppress", "default_region", "not_before", "not_after",
            "calling_hours", "timezone"}

TO_JSON = r"""
const fs = require("fs");
const YAML = require("yaml");
const pairs = process.argv.slice(1);  // node -e: the arguments start at 1
for (let i = 0; i < pairs.length; i += 2) {
  const doc = YAML.parse(fs.readFileSync(pairs[i], "utf8"),
                         {version: "1.2", schema: "core", uniqueKeys: true});
  fs.writeFileSync(pairs[i + 1], JSON.stringify(doc));
}
"""


def directives(path):
    """The "# key: value" lines at the top of a case file."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"# (expect|parser): (.*)", line)
            if not m:
                break
            out[m.group(1)] = m.group(2).strip()
    return out


def harness_mapping(workdir):
    """The mapping the integration tests write (harness.Case.mapping) with a few numbers."""
    class Writer:
        dir = workdir
        write = harness.Case.write
    return harness.Case.mapping(Writer(), """  - phone_number: "+15551234567"
    label: Customer Support Line
    agent: support
  - phone_number: "+15551234568"
    label: Import only
  - phone_number: "+15551234569"
    label: Sales
    agent: agent_2202k5zvyjhmfg983brhmhkd98n7
    twilio_account: main
""", name="harness.yaml")


class Schema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="xs-schema-")
        cls.valid = [os.path.join(SOURCE, "mappings", "example.yaml"), harness_mapping(cls.tmp)]
        cls.valid += sorted(glob.glob(os.path.join(CASES, "valid", "*.*")))
        cls.invalid = sorted(glob.glob(os.path.join(CASES, "invalid", "*.*")))
        cls.json = {}
        pairs = []
        for i, path in enumerate(cls.valid + cls.invalid):
            cls.json[path] = os.path.join(cls.tmp, f"{i:03d}-{os.path.basename(path)}.json")
            pairs += [path, cls.json[path]]
        p = subprocess.run(["node", "-e", TO_JSON, *pairs], env=node_env(), capture_output=True,
                           text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("YAML to JSON failed: " + p.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def ajv(self, *args):
        return subprocess.run([bin_path("ajv"), *args, *AJV_FLAGS], env=node_env(),
                              capture_output=True, text=True, timeout=120)

    def errors(self, path):
        """ajv's errors for the case at path: None when it is valid."""
        p = self.ajv("validate", "-s", SCHEMA, "-d", self.json[path], "--all-errors",
                     "--errors=json")
        out = p.stdout + p.stderr
        if p.returncode == 0:
            self.assertIn(" valid", out)
            return None
        start = out.find("[")
        self.assertNotEqual(start, -1, out)
        return json.JSONDecoder().raw_decode(out[start:])[0]

    def parser(self, path):
        """xuna-sync validate on the case: (exit code, output)."""
        p = subprocess.run([harness.SYNC, "validate", "-f", path], cwd=self.tmp,
                           capture_output=True, text=True, timeout=60,
                           env={k: v for k, v in os.environ.items() if not k.startswith("XUNA_")})
        return p.returncode, p.stdout + p.stderr

    def test_the_schema_compiles_in_strict_mode(self):
        p = self.ajv("compile", "-s", SCHEMA)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(SCHEMA) as f:
            self.assertEqual(json.load(f)["$schema"], "https://json-schema.org/draft/2020-12/schema")

    def test_every_valid_mapping_passes(self):
        self.assertGreaterEqual(len(self.valid), 6)
        for path in self.valid:
            with self.subTest(case=os.path.relpath(path, SOURCE)):
                self.assertIsNone(self.errors(path))

    def test_every_invalid_case_fails_where_it_says(self):
        self.assertGreaterEqual(len(self.invalid), 20)
        for path in self.invalid:
            with self.subTest(case=os.path.basename(path)):
                expect = directives(path).get("expect")
                self.assertIsNotNone(expect, "an invalid case starts with '# expect: PATH KEYWORD'")
                where, keyword = expect.rsplit(" ", 1)
                where = "" if where == "/" else where
                errors = self.errors(path)
                self.assertIsNotNone(errors, "the schema accepts it")
                self.assertIn((where, keyword), [(e["instancePath"], e["keyword"]) for e in errors],
                              json.dumps(errors, indent=1))

    def test_xuna_sync_validate_agrees(self):
        if not os.path.exists(harness.SYNC):
            self.skipTest(f"{harness.SYNC} is not built")
        for path in self.valid:
            with self.subTest(case=os.path.relpath(path, SOURCE)):
                code, out = self.parser(path)
                if code == 3:
                    diags = [l for l in out.splitlines() if re.search(r":\d+:\d+: ", l)]
                    unknown = {m.group(1) for l in diags
                               for m in [re.search(r": unknown key '([^']+)'", l)] if m}
                    if diags and unknown <= NEW_KEYS and len(unknown) and all(
                            "unknown key" in l for l in diags):
                        print(f"\n  {os.path.basename(path)}: this xuna-sync does not know "
                              f"{sorted(unknown)} yet", end="")
                        continue
                self.assertEqual(code, 0, out)
        for path in self.invalid:
            with self.subTest(case=os.path.basename(path)):
                code, out = self.parser(path)
                accepts = directives(path).get("parser", "").startswith("accepts")
                self.assertEqual(code, 0 if accepts else 3, out)


if __name__ == "__main__":
    setup_npm()
    unittest.main(verbosity=2)

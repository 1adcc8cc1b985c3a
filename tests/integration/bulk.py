"""Helpers for the integration tests that need many numbers: a fixture whose Twilio account
owns N generated numbers, the mapping for them, and checks over the emulator's request log
(no duplicate import). Standard library only."""
import os

from harness import ACCOUNT_SID, AFTERHOURS, SALES, SUPPORT

IMPORTS = "/v1/convai/phone-numbers"
AGENTS = [SUPPORT, SALES, AFTERHOURS]


def bulk_numbers(count, start=2000000):
    """The E.164 numbers the generated Twilio account owns: +1555 and 7 digits."""
    return [f"+1555{start + i:07d}" for i in range(count)]


def bulk_fixture(case, count, existing=None, **extra):
    """case.fixture() whose Twilio account owns bulk_numbers(count)."""
    fx = case.fixture(owned=[], existing=existing or [], **extra)
    fx["twilio_accounts"][0]["generate"] = {"prefix": "+1555", "start": 2000000, "count": count}
    return fx


def bulk_mapping(case, numbers, with_agents=True, name="mappings/main.yaml"):
    """Writes a mapping of these numbers (agents round-robin) and returns its path."""
    lines = []
    for i, n in enumerate(numbers):
        lines.append(f'  - phone_number: "{n}"\n    label: Line {i}\n')
        if with_agents:
            lines.append(f"    agent: {AGENTS[i % len(AGENTS)]}\n")
    return case.mapping("".join(lines), name=name)


def desired_agents(numbers):
    return {n: AGENTS[i % len(AGENTS)] for i, n in enumerate(numbers)}


def import_posts(requests):
    """The import POSTs in a request log, in arrival order."""
    return [r for r in requests if r["method"] == "POST" and r["path"] == IMPORTS]


def duplicate_imports(requests):
    """Numbers that received more than one successful (2xx) import POST."""
    seen, dups = set(), set()
    for r in import_posts(requests):
        if 200 <= r["status"] < 300 and r.get("fault") != "error":
            n = (r.get("body") or {}).get("phone_number")
            if n in seen:
                dups.add(n)
            seen.add(n)
    return sorted(dups)


def read_log_file(path):
    """The emulator's --log file: one JSON object per line (complete lines only)."""
    import json
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass  # a line being written as we read
    return out


def imports_by_number(requests):
    """The import POSTs in a request log, grouped by the number they import (arrival order)."""
    out = {}
    for r in import_posts(requests):
        out.setdefault((r.get("body") or {}).get("phone_number"), []).append(r)
    return out


def double_imports(requests):
    """Numbers imported twice: more than one 2xx import POST, unless all of that number's
    import POSTs carried one idempotency key (the server answered the resends from its
    first answer: one import, however many POSTs)."""
    out = []
    for n, posts in sorted(imports_by_number(requests).items()):
        ok = [r for r in posts if 200 <= r["status"] < 300 and r.get("fault") != "error"]
        keys = {r.get("idempotency_key") for r in posts}
        if len(ok) > 1 and (len(keys) != 1 or None in keys):
            out.append(n)
    return out

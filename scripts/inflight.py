#!/usr/bin/env python3
"""Requests in flight at the emulator over time, from its request log (issue 23).

    scripts/inflight.py REQUESTS.json|URL [--step MS] [--parallelism P]

REQUESTS is what GET /_emulator/requests answered (a file, or the emulator's URL). Prints one
line per step: how many requests were in flight on average (a bar), how many arrived, and
of which kind; then, per phase (each kind of write, the lists), its span and its mean
concurrency, and the idle gaps (nothing in flight) longer than one step. With --parallelism,
each phase's mean concurrency is also given as a share of P: what the floor assumes.
"""
import argparse
import json
import sys
import urllib.request


def kind_of(r):
    path = r["path"]
    if path.startswith("/2010-04-01/"):
        return "twilio " + ("list" if r["method"] == "GET" else "update")
    if path.startswith("/v1/convai/phone-numbers"):
        if r["method"] == "GET":
            return "xuna list"
        return "import" if r["method"] == "POST" else "assign"
    if "batch-calling" in path:
        return "batch"
    return r["method"] + " " + path


def load(source):
    if source.startswith("http://") or source.startswith("https://"):
        url = source.rstrip("/")
        if not url.endswith("/_emulator/requests"):
            url += "/_emulator/requests"
        with urllib.request.urlopen(url, timeout=10) as f:
            return json.load(f)
    with open(source) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("requests")
    ap.add_argument("--step", type=float, default=50.0, help="milliseconds per line (50)")
    ap.add_argument("--parallelism", type=int, default=0)
    args = ap.parse_args()
    reqs = [r for r in load(args.requests) if "arrived_ms" in r]
    if not reqs:
        sys.exit("no request carries arrived_ms: an emulator older than issue 23?")
    t0 = min(r["arrived_ms"] for r in reqs)
    end = max(r["answered_ms"] for r in reqs)
    step = args.step
    lines = int((end - t0) // step) + 1
    busy = [0.0] * lines  # request-milliseconds in flight per step
    arrived = [dict() for _ in range(lines)]
    for r in reqs:
        a, b = r["arrived_ms"] - t0, r["answered_ms"] - t0
        k = kind_of(r)
        arrived[int(a // step)][k] = arrived[int(a // step)].get(k, 0) + 1
        i = int(a // step)
        while a < b and i < lines:
            edge = (i + 1) * step
            busy[i] += min(b, edge) - a
            a = edge
            i += 1
    peak = max(busy) / step or 1
    width = 40
    print(f"{'ms':>7} {'in flight':>9}  {'':<{width}}  arrived")
    for i in range(lines):
        mean = busy[i] / step
        bar = "#" * int(round(mean / peak * width))
        what = ", ".join(f"{n} {k}" for k, n in sorted(arrived[i].items()))
        print(f"{i * step:7.0f} {mean:9.1f}  {bar:<{width}}  {what}")
    print()
    phases = {}
    for r in reqs:
        phases.setdefault(kind_of(r), []).append(r)
    print(f"{'phase':<16} {'requests':>8} {'from (ms)':>9} {'to (ms)':>8} {'span (ms)':>9} "
          f"{'mean in flight':>14}  {'mean answer (ms)':>16}")
    for k, rs in sorted(phases.items(), key=lambda kv: min(r["arrived_ms"] for r in kv[1])):
        a = min(r["arrived_ms"] for r in rs) - t0
        b = max(r["answered_ms"] for r in rs) - t0
        total = sum(r["answered_ms"] - r["arrived_ms"] for r in rs)
        conc = total / (b - a) if b > a else 0
        share = f" ({conc / args.parallelism:.0%} of {args.parallelism})" if args.parallelism else ""
        print(f"{k:<16} {len(rs):8d} {a:9.1f} {b:8.1f} {b - a:9.1f} {conc:14.1f}{share}  "
              f"{total / len(rs):16.1f}")
    gaps = []
    spans = sorted((r["arrived_ms"] - t0, r["answered_ms"] - t0) for r in reqs)
    reach = spans[0][1]
    for a, b in spans[1:]:
        if a - reach > step:
            gaps.append((reach, a))
        reach = max(reach, b)
    print()
    print(f"first arrival to last answer: {end - t0:.1f} ms; idle gaps over {step:g} ms: " +
          (", ".join(f"{a:.0f}-{b:.0f}" for a, b in gaps) or "none"))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Markdown tables for the `table`, `rg` and `scale` parts of benches/whole-process.sh.

    python3 benches/whole_process_tables.py benches/.work/results/<timestamp>

Reads what the script left in the results folder: hyperfine JSON per group (`table-all.json`,
`table-python.json`, `table-ts.json`, `rg.json`, `scale-<N>.json`), peak RSS per command
(`rss.tsv`), plumb's JSON report and the generator's `expected.json` per scale point, and the
folder lists and file counts the script wrote (`table.txt`, `rg.txt`). A group that did not run
is left out. Wall time is the median of the timed runs; CPU is user + system per run (mean),
which moves much less than wall time when other work shares the machine.
"""

import json
import os
import sys


def load(path, default=None):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return default


def key_values(path):
    """`key=value` lines of a text file the script wrote."""
    values = {}
    try:
        for line in open(path):
            key, _, value = line.rstrip("\n").partition("=")
            values[key] = value
    except OSError:
        pass
    return values


class Results:
    def __init__(self, folder):
        self.folder = folder
        self.rss = {}
        try:
            for line in open(os.path.join(folder, "rss.tsv")):
                label, name, kb = (line.rstrip("\n").split("\t") + ["", "", ""])[:3]
                if kb:
                    self.rss[(label, name)] = int(kb) / 1024
        except OSError:
            pass

    def runs(self, group):
        data = load(os.path.join(self.folder, f"{group}.json"), {"results": []})
        return {run["command"]: run for run in data["results"]}

    def file(self, name):
        return os.path.join(self.folder, name)


def wall(run):
    return None if run is None else run["median"]


def cpu(run):
    if run is None or run.get("user") is None:
        return None
    return run["user"] + run["system"]


def total(values):
    return None if any(value is None for value in values) else sum(values)


def ratio(a, b):
    return None if a is None or not b else a / b


def fmt(value, pattern="{:.3f}"):
    return "—" if value is None else pattern.format(value)


def seconds(value):
    return fmt(value, "{:.3f} s")


def megabytes(value):
    return fmt(value, "{:.0f} MB")


def issue_table(results):
    groups = {name: results.runs(name) for name in ("table-all", "table-python", "table-ts")}
    if not any(groups.values()):
        return
    meta = key_values(results.file("table.txt"))
    report = load(results.file("table-all.plumb.json"), {})
    files = report.get("summary", {}).get("files", {}).get("total")
    print(f"### Issue 11 table: whole corpus ({fmt(files, '{:,}')} files plumb checks)")
    print()
    print("| run | plumb | peer | plumb/peer | CPU plumb | CPU peer | CPU plumb/peer | peak RSS plumb | peak RSS peer |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    both = groups["table-all"]
    peers = [both.get("ruff"), both.get("oxlint")]
    peer_rss = " + ".join(megabytes(results.rss.get(("table-all", name))) for name in ("ruff", "oxlint"))
    for name, title in (("plumb-cold", "all default rules, cold (`--no-cache`)"),
                        ("plumb-warm", "all default rules, warm facts cache")):
        if name in both:
            rows.append((f"{title} vs `ruff --select E9` + `oxlint -A all`", both[name], peers,
                         results.rss.get(("table-all", name)), peer_rss))
    python, ts = groups["table-python"], groups["table-ts"]
    if python:
        rows.append((f"`--select SYN` on {meta.get('python', '?')} vs `ruff --select E9`", python.get("plumb"),
                     [python.get("ruff")], results.rss.get(("table-python", "plumb")),
                     megabytes(results.rss.get(("table-python", "ruff")))))
    if ts:
        rows.append((f"`--select SYN` on {meta.get('ts', '?')} vs `oxlint -A all`", ts.get("plumb"),
                     [ts.get("oxlint")], results.rss.get(("table-ts", "plumb")),
                     megabytes(results.rss.get(("table-ts", "oxlint")))))
    for title, plumb, peer_runs, plumb_rss, peer_rss_text in rows:
        peer_wall = total([wall(run) for run in peer_runs])
        peer_cpu = total([cpu(run) for run in peer_runs])
        print(f"| {title} | {seconds(wall(plumb))} | {seconds(peer_wall)} | {fmt(ratio(wall(plumb), peer_wall), '{:.2f}')} "
              f"| {seconds(cpu(plumb))} | {seconds(peer_cpu)} | {fmt(ratio(cpu(plumb), peer_cpu), '{:.2f}')} "
              f"| {megabytes(plumb_rss)} | {peer_rss_text} |")
    if both.get("ruff") and both.get("oxlint"):
        print()
        print(f"Peers one after the other: ruff {seconds(wall(both['ruff']))} + oxlint {seconds(wall(both['oxlint']))} "
              "(medians; their sum is the peer column).")
    if report:
        by_rule = report.get("summary", {}).get("by_rule", {})
        print()
        print("plumb's findings on the corpus, all default rules: "
              + (", ".join(f"{code} {count:,}" for code, count in sorted(by_rule.items())) or "none") + ".")
    print()


def rg_table(results):
    runs = results.runs("rg")
    meta = key_values(results.file("rg.txt"))
    if not runs:
        if meta.get("skipped"):
            print(f"### Warm facts cache vs `rg -c .`\n\nskipped: {meta['skipped']}\n")
        return
    plumb, rg = runs.get("plumb-warm"), runs.get("rg")
    print("### Warm facts cache, nothing changed, full check vs `rg -c .` over the same files")
    print()
    print("| plumb (warm) | rg -c . | plumb/rg | CPU plumb | CPU rg | files plumb checks | files rg reads |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {seconds(wall(plumb))} | {seconds(wall(rg))} | {fmt(ratio(wall(plumb), wall(rg)), '{:.2f}')} "
          f"| {seconds(cpu(plumb))} | {seconds(cpu(rg))} | {meta.get('plumb_files', '—')} | {meta.get('rg_files', '—')} |")
    print()
    print(f"rg command: `{meta.get('command', '?')}`")
    print()


def counts_match(report, expected):
    """Whether plumb's report has the generator's counts; the differences otherwise."""
    if not report or not expected:
        return "—"
    summary = report.get("summary", {})
    # JSON version 2: each rule's totals under its code.
    totals = summary.get("rule_totals", {})
    differences = []
    checks = [
        ("files", summary.get("files", {}).get("total"), expected["files"]["total"]),
        ("unparseable", summary.get("files", {}).get("unparseable"), expected["files"]["unparseable"]),
        ("by_rule", summary.get("by_rule", {}), expected["by_rule"]),
        ("mocks", totals.get("MCK001", {}).get("counts"), expected["mocks"]),
        ("types", totals.get("TYP001", {}).get("counts"), expected["types"]),
    ]
    for name, got, want in checks:
        if got != want:
            differences.append(f"{name} {got} != {want}")
    return "yes" if not differences else "NO: " + "; ".join(differences)


def scale_table(results):
    points = []
    for name in os.listdir(results.folder):
        if name.startswith("scale-") and name.endswith(".json") and name.count(".") == 1:
            points.append(int(name[len("scale-"):-len(".json")]))
    if not points:
        return
    print("### Scale curve: synthetic monorepos (`synth-monorepo`), all default rules, cold")
    print()
    print("| files | MB | plumb | CPU plumb | ms / 1k files | files/s | MB/s | peak RSS plumb | KB RSS / file "
          "| ruff E9 | oxlint | ruff + oxlint | plumb/(ruff+oxlint) | peak RSS ruff / oxlint | plumb counts = generator's |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for files in sorted(points):
        label = f"scale-{files}"
        runs = results.runs(label)
        expected = load(results.file(f"{label}.expected.json"), {})
        report = load(results.file(f"{label}.plumb.json"), {})
        size = expected.get("files", {}).get("bytes")
        mb = None if size is None else size / 1e6
        plumb = wall(runs.get("plumb"))
        peers = total([wall(runs.get("ruff")), wall(runs.get("oxlint"))])
        rss = results.rss.get((label, "plumb"))
        print(f"| {files:,} | {fmt(mb, '{:.1f}')} | {seconds(plumb)} | {seconds(cpu(runs.get('plumb')))} "
              f"| {fmt(None if plumb is None else plumb * 1e6 / files, '{:.0f}')} "
              f"| {fmt(ratio(files, plumb), '{:,.0f}')} | {fmt(ratio(mb, plumb), '{:.1f}')} | {megabytes(rss)} "
              f"| {fmt(None if rss is None else rss * 1024 / files, '{:.1f}')} "
              f"| {seconds(wall(runs.get('ruff')))} | {seconds(wall(runs.get('oxlint')))} | {seconds(peers)} "
              f"| {fmt(ratio(plumb, peers), '{:.2f}')} "
              f"| {megabytes(results.rss.get((label, 'ruff')))} / {megabytes(results.rss.get((label, 'oxlint')))} "
              f"| {counts_match(report, expected)} |")
    print()
    print("Linear cost means constant ms / 1k files, files/s and KB RSS / file down the table.")
    print()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    results = Results(sys.argv[1])
    issue_table(results)
    rg_table(results)
    scale_table(results)


if __name__ == "__main__":
    main()

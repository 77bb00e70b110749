#!/usr/bin/env python3
"""Differential test of plumb's TypeScript/JavaScript import verdicts (IMP001/IMP003) against
TypeScript's own module resolution.

Usage:
    python3 tools/import_differential.py [--plumb PATH] [--node NODE] [--show N]
        [--mutate-seed N [--mutate-rate R]] [--fail-on-disagreement] PROJECT...

Each PROJECT is a project root. plumb runs there once:

    PLUMB check --isolated --select IMP --fail-on never --output-format json

and its file list says which TS/JS files to judge. The oracle, tools/oracles/ts_resolve.js,
resolves every import of those files with `ts.resolveModuleName` under the file's nearest
tsconfig.json (with `extends`), in bundler mode: relative specifiers and bare ones a tsconfig
`paths` key maps; assets and specifiers leaving the project are skipped, and so is everything
that needs an installed node_modules.

An import TypeScript cannot resolve must be reported by plumb on its line (IMP001, or IMP003
when plumb explains it as missing build output); an import TypeScript resolves must not be.
Prints the counts per project and up to --show disagreements; with --fail-on-disagreement
exits 1 when there is one.

With --mutate-seed, each project is first copied to a scratch directory and a share
(--mutate-rate, default 0.2) of its relative `from "./x"` specifiers is renamed to a module
that does not exist (`./x_gone`, keeping the extension), so real code yields many imports that
must not resolve. The seed makes the mutants reproducible.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ORACLE = Path(__file__).resolve().parent / "oracles" / "ts_resolve.js"


def plumb_report(plumb: Path, project: Path) -> dict:
    result = subprocess.run(
        [str(plumb), "check", "--isolated", "--select", "IMP", "--fail-on", "never",
         "--output-format", "json"],
        cwd=project, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        sys.exit(f"plumb failed in {project} (exit {result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout)


def oracle_verdicts(node: str, project: Path, files: list[str]) -> list[dict]:
    result = subprocess.run(
        [node, str(ORACLE), str(project)], input="\n".join(files) + "\n",
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        sys.exit(f"the TypeScript oracle failed in {project}:\n{result.stderr}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


RELATIVE_FROM = re.compile(r"""(\bfrom\s+)(["'])(\.{1,2}/[^"']+)\2""")
SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


def mutate(project: Path, scratch: Path, seed: int, rate: float) -> Path:
    """A copy of `project` in which some relative specifiers name modules that do not exist."""
    copy = scratch / project.name
    shutil.copytree(project, copy, symlinks=True, ignore=shutil.ignore_patterns("node_modules", ".git"))
    rng = random.Random(seed)

    def rename(match: re.Match) -> str:
        if rng.random() >= rate:
            return match.group(0)
        specifier = match.group(3)
        head, _, last = specifier.rpartition("/")
        stem, dot, extension = last.partition(".")
        if not stem:
            return match.group(0)
        changed = f"{head}/{stem}_gone{dot}{extension}"
        return f"{match.group(1)}{match.group(2)}{changed}{match.group(2)}"

    for path in sorted(copy.rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            changed = RELATIVE_FROM.sub(rename, text)
            if changed != text:
                path.write_text(changed, encoding="utf-8")
    return copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plumb", default="target/release/plumb", type=Path)
    parser.add_argument("--node", default="node")
    parser.add_argument("--show", type=int, default=20)
    parser.add_argument("--fail-on-disagreement", action="store_true")
    parser.add_argument("--mutate-seed", type=int)
    parser.add_argument("--mutate-rate", type=float, default=0.2)
    parser.add_argument("projects", nargs="+", type=Path)
    args = parser.parse_args()
    plumb = args.plumb.resolve()
    disagreements = []
    totals = {"judged": 0, "both_resolved": 0, "both_unresolved": 0, "skipped": 0}
    scratch = tempfile.TemporaryDirectory() if args.mutate_seed is not None else None
    for position, project in enumerate(args.projects):
        project = project.resolve()
        if scratch is not None:
            project = mutate(
                project, Path(scratch.name) / str(position), args.mutate_seed, args.mutate_rate
            )
        report = plumb_report(plumb, project)
        files = [
            record["path"] for record in report["files"]
            if record["language"] in ("typescript", "javascript")
        ]
        if not files:
            continue
        reported = {
            (d["path"], d["line"]) for d in report["diagnostics"]
            if d["code"] in ("IMP001", "IMP003")
        }
        counts = {"judged": 0, "both_resolved": 0, "both_unresolved": 0, "skipped": 0}
        for verdict in oracle_verdicts(args.node, project, files):
            if "skip" in verdict:
                counts["skipped"] += 1
                continue
            counts["judged"] += 1
            flagged = (verdict["path"], verdict["line"]) in reported
            if verdict["resolved"] and not flagged:
                counts["both_resolved"] += 1
            elif not verdict["resolved"] and flagged:
                counts["both_unresolved"] += 1
            else:
                kind = "plumb reports, TypeScript resolves" if flagged else (
                    "TypeScript cannot resolve, plumb is silent")
                disagreements.append((project.name, kind, verdict))
        print(
            f"{project.name}: {counts['judged']} imports judged, "
            f"{counts['both_resolved']} resolve for both, "
            f"{counts['both_unresolved']} unresolved for both, "
            f"{counts['judged'] - counts['both_resolved'] - counts['both_unresolved']} disagree, "
            f"{counts['skipped']} skipped"
        )
        for key in totals:
            totals[key] += counts[key]
    print(
        f"total: {totals['judged']} judged, {len(disagreements)} disagreements, "
        f"{totals['skipped']} skipped"
    )
    for name, kind, verdict in disagreements[: args.show]:
        print(
            f"  {name}/{verdict['path']}:{verdict['line']}: `{verdict['specifier']}`: {kind}"
            f" (TypeScript: {verdict.get('target') or 'unresolved'}, tsconfig {verdict.get('tsconfig')})"
        )
    return 1 if disagreements and args.fail_on_disagreement else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Differential test of plumb's import verdicts (IMP001/IMP003) against the languages' own
resolvers: TypeScript's module resolution for TS/JS files, CPython's module finder for Python.

Usage:
    python3 tools/import_differential.py [--plumb PATH] [--node NODE] [--show N]
        [--mutate-seed N [--mutate-rate R]] [--fail-on-disagreement] PROJECT...

Each PROJECT is a project root. plumb runs there once:

    PLUMB check --isolated --select IMP --fail-on never --output-format json

and its file list says which TS/JS files to judge. The oracle, tools/oracles/ts_resolve.js,
resolves every import of those files with `ts.resolveModuleName` under the tsconfig that governs
the file as `tsc` decides it (the nearest one whose files hold it, through `references`; with
`extends`), in bundler mode: relative specifiers, bare ones a tsconfig `paths` key maps, and `#`
ones a package.json `imports` key maps to a file; assets and specifiers leaving the project are
skipped, and so is everything that needs an installed node_modules.

The Python oracle, tools/oracles/py_resolve.py, parses each Python file with `ast` and looks
modules up with `importlib.machinery.PathFinder` (nothing is imported): absolute imports whose
top-level package is in the project root, and relative imports; a name imported from a package
is judged only when it is a submodule or the package's `__init__.py` is empty.

An import the oracle cannot resolve must be reported by plumb on its lines (IMP001, or IMP003
when plumb explains why it cannot be verified); an import the oracle resolves must not be.
Prints the counts per project and up to --show disagreements; with --fail-on-disagreement
exits 1 when there is one.

With --mutate-seed, each project is first copied to a scratch directory and a share
(--mutate-rate, default 0.2) of its imports is renamed to modules that do not exist: relative
`from "./x"` specifiers in TS/JS (`./x_gone`, keeping the extension) and the module of
`from a.b import c` / `from .x import c` in Python (`a.b_gone`), so real code yields many
imports that must not resolve. The seed makes the mutants reproducible.
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

ORACLES = Path(__file__).resolve().parent / "oracles"


def plumb_report(plumb: Path, project: Path, config: tuple[str, ...] = ("--isolated",)) -> dict:
    """plumb's JSON report of IMP rules in `project`; `config` says how it is configured
    (default: no config files, as the fixtures are judged)."""
    result = subprocess.run(
        [str(plumb), "check", *config, "--select", "IMP", "--fail-on", "never",
         "--output-format", "json"],
        cwd=project, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        sys.exit(f"plumb failed in {project} (exit {result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout)


def oracle_verdicts(command: list[str], project: Path, files: list[str]) -> list[dict]:
    if not files:
        return []
    result = subprocess.run(
        [*command, str(project)], input="\n".join(files) + "\n",
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        sys.exit(f"the oracle {command[-1]} failed in {project}:\n{result.stderr}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


RELATIVE_FROM = re.compile(r"""(\bfrom\s+)(["'])(\.{1,2}/[^"']+)\2""")
SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# `from .x import`, `from a.b import` at the start of a line: the module's last part is renamed.
PYTHON_FROM = re.compile(r"^(\s*from\s+)(\.*[A-Za-z_][\w.]*)(\s+import\b)", re.M)


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

    def rename_python(match: re.Match) -> str:
        if rng.random() >= rate:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}_gone{match.group(3)}"

    for path in sorted(copy.rglob("*")):
        if not path.is_file() or path.suffix not in (*SOURCE_SUFFIXES, ".py"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if path.suffix == ".py":
            changed = PYTHON_FROM.sub(rename_python, text)
        else:
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
    parser.add_argument(
        "--standalone", action="store_true",
        help="check a copy of each project in a scratch folder, so a project nested in another "
        "repository (a fixture) is its own root, as in a fresh clone (implied by --mutate-seed)",
    )
    parser.add_argument("projects", nargs="+", type=Path)
    args = parser.parse_args()
    plumb = args.plumb.resolve()
    disagreements = []
    totals = {"judged": 0, "both_resolved": 0, "both_unresolved": 0, "skipped": 0}
    copying = args.standalone or args.mutate_seed is not None
    scratch = tempfile.TemporaryDirectory() if copying else None
    for position, project in enumerate(args.projects):
        project = project.resolve()
        if scratch is not None:
            rate = args.mutate_rate if args.mutate_seed is not None else 0.0
            project = mutate(project, Path(scratch.name) / str(position), args.mutate_seed, rate)
        report = plumb_report(plumb, project)
        ecma_files = [
            record["path"] for record in report["files"]
            if record["language"] in ("typescript", "javascript") and record["status"] == "ok"
        ]
        python_files = [
            record["path"] for record in report["files"]
            if record["language"] == "python" and record["status"] == "ok"
        ]
        if not ecma_files and not python_files:
            continue
        reported = {
            (d["path"], d["line"]) for d in report["diagnostics"]
            if d["code"] in ("IMP001", "IMP003")
        }
        verdicts = oracle_verdicts(
            [args.node, str(ORACLES / "ts_resolve.js")], project, ecma_files
        ) + oracle_verdicts(
            [sys.executable, str(ORACLES / "py_resolve.py")], project, python_files
        )
        counts = {"judged": 0, "both_resolved": 0, "both_unresolved": 0, "skipped": 0}
        for verdict in verdicts:
            if "skip" in verdict:
                counts["skipped"] += 1
                continue
            counts["judged"] += 1
            lines = range(verdict["line"], verdict.get("end_line", verdict["line"]) + 1)
            flagged = any((verdict["path"], line) in reported for line in lines)
            if verdict["resolved"] and not flagged:
                counts["both_resolved"] += 1
            elif not verdict["resolved"] and flagged:
                counts["both_unresolved"] += 1
            else:
                kind = "plumb reports, the oracle resolves" if flagged else (
                    "the oracle cannot resolve, plumb is silent")
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
            f"  {name}/{verdict['path']}:{verdict['line']}: "
            f"`{verdict.get('specifier') or verdict.get('import')}`: {kind}"
            f" (oracle: {verdict.get('target') or verdict.get('why') or 'unresolved'})"
        )
    return 1 if disagreements and args.fail_on_disagreement else 0


if __name__ == "__main__":
    sys.exit(main())

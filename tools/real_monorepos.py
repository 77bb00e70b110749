#!/usr/bin/env python3
"""Real-monorepo differential (issue 9): plumb's IMP001/IMP003 verdicts on pinned checkouts of
public repositories against TypeScript's module resolution and CPython's module finder.

Usage:
    python3 tools/real_monorepos.py [--manifest FILE] [--plumb PATH] [--node NODE]
        [--only NAME,...] [--examples N] [--list N] [--json] [--strict-commit] TREES

TREES is a directory holding one checkout per entry of the manifest (tools/real-monorepos.json),
named after the entry (`TREES/excalidraw+excalidraw`). This script never fetches anything: for a
missing tree it prints the `git clone` and `git checkout` that obtain it, and it runs without
node_modules (install nothing: the point is what plumb says about a fresh clone). When a tree
holds a `.git`, the checked-out commit is compared with the manifest's; a different commit is a
warning (an error with --strict-commit), since the numbers then describe another tree.

For each tree, plumb runs once at the tree's root, as a new user would run it:

    PLUMB check --select IMP --no-cache --fail-on never --output-format json

and the oracles of tools/import_differential.py judge the imports of the files plumb checked
(tools/oracles/ts_resolve.js for TS/JS, which picks each file's tsconfig as tsc does and follows
project references; tools/oracles/py_resolve.py for Python). Each judged import falls in one of:

    agree            plumb and the oracle agree (resolved and silent, or unresolved and reported;
                     the IMP001s among the latter are listed as "confirmed" in --json)
    false IMP001     the oracle resolves it and plumb reports IMP001 on its line
    IMP003 resolved  the oracle resolves it and plumb reports IMP003 only (unverifiable: lost
                     precision, not a false error)
    miss             the oracle cannot resolve it and plumb reports nothing

and plumb's IMP001s on lines no oracle judged (bare package specifiers, aliases only a bundler
or Jest config declares, `#` imports without a package.json mapping, ...) are counted as
"unjudged IMP001", grouped by the shape of their specifier, for a person to read.

False IMP001s are grouped by what the oracle saw (specifier kind: relative, paths alias,
package imports; the tsconfig's scope for the file: included, referenced, outside-include;
whether the tsconfig's `extends` failed to load), with examples. Prints a table per tree, or
with --json one JSON document (the same data plus every disagreement).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
ORACLES = TOOLS / "oracles"


def load_import_differential():
    """tools/import_differential.py as a module: its oracle runner is reused, not copied."""
    sys.dont_write_bytecode = True  # no tools/__pycache__ left behind in the checkout
    spec = importlib.util.spec_from_file_location("import_differential", TOOLS / "import_differential.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checked_out_commit(tree: Path) -> str | None:
    if not (tree / ".git").exists():
        return None
    result = subprocess.run(["git", "-C", str(tree), "rev-parse", "HEAD"],
                            capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def how_to_obtain(entry: dict, tree: Path) -> str:
    return (f"git clone {entry['repository']} {tree} && "
            f"git -C {tree} checkout {entry['commit']}")


CODE_EXTENSIONS = {".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"}
SPECIFIER = re.compile(r"`([^`]+)`")


def specifier_of(message: str) -> str:
    match = SPECIFIER.search(message)
    return match.group(1) if match else message


def specifier_shape(specifier: str) -> str:
    """A coarse shape of a specifier plumb reported but no oracle judged."""
    extension = Path(specifier.split("?")[0]).suffix
    if extension and extension not in CODE_EXTENSIONS and "/" in specifier:
        return f"asset ({extension}), skipped by the oracle"
    if specifier.startswith("#"):
        return "# import (no package.json mapping)"
    if specifier.startswith(("~/", "@/", "~")):
        return "~/ or @/ alias not in the governing tsconfig"
    if specifier.startswith("@site/") or specifier.startswith("@theme") or specifier.startswith(
            "@docusaurus/") or specifier.startswith("@generated/"):
        return "Docusaurus alias"
    if specifier.startswith(("./", "../", "/")):
        return "relative/absolute path (skipped by the oracle)"
    if specifier.startswith("virtual:") or ":" in specifier:
        return "virtual or scheme module"
    return "bare specifier"


PLUMB_REASONS = (
    (re.compile(r"matches `paths` key .* no mapped file exists"), "plumb: paths target missing"),
    (re.compile(r"`resolve.alias` key"), "plumb: bundler alias target missing"),
    (re.compile(r"Jest `moduleNameMapper`"), "plumb: Jest mapper target missing"),
    (re.compile(r"`exports` has no entry"), "plumb: workspace exports entry missing"),
    (re.compile(r"workspace package"), "plumb: workspace package"),
    (re.compile(r"goes above the top-level package"), "plumb: relative import above the package"),
    (re.compile(r"binds no"), "plumb: name not bound"),
    (re.compile(r"looked for"), "plumb: file missing"),
)


def plumb_reason(message: str) -> str:
    """The kind of reason plumb gave, from the wording of its message."""
    for pattern, reason in PLUMB_REASONS:
        if pattern.search(message):
            return reason
    return "plumb: other"


def false_positive_category(verdict: dict, message: str) -> str:
    """What the oracle saw for an import it resolves and plumb reports, and what plumb said."""
    parts = [verdict.get("kind", "python")]
    scope = verdict.get("scope")
    if scope:
        parts.append(scope)
    if verdict.get("config_errors"):
        parts.append("extends unloadable")
    specifier = verdict.get("specifier") or ""
    if specifier.startswith("../") and "/../" not in specifier and specifier.count("../") > 1:
        parts.append("climbs")
    return ", ".join(parts) + "; " + plumb_reason(message)


def compare(report: dict, verdicts: list[dict]) -> dict:
    by_line: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for diagnostic in report["diagnostics"]:
        if diagnostic["code"] in ("IMP001", "IMP003"):
            by_line[(diagnostic["path"], diagnostic["line"])].append(diagnostic)
    counts = Counter()
    judged_lines = set()
    false_imp001, imp003_resolved, misses, confirmed = [], [], [], []
    for verdict in verdicts:
        lines = range(verdict["line"], verdict.get("end_line", verdict["line"]) + 1)
        keys = [(verdict["path"], line) for line in lines]
        if "skip" in verdict:
            counts["skipped"] += 1
            continue
        counts["judged"] += 1
        judged_lines.update(keys)
        found = [d for key in keys for d in by_line.get(key, [])]
        codes = {d["code"] for d in found}
        if verdict["resolved"] and not codes or not verdict["resolved"] and codes:
            counts["agree"] += 1
            if "IMP001" in codes:
                message = next(d["message"] for d in found if d["code"] == "IMP001")
                confirmed.append({**verdict, "plumb": message})
        elif verdict["resolved"] and "IMP001" in codes:
            message = next(d["message"] for d in found if d["code"] == "IMP001")
            false_imp001.append({**verdict, "plumb": message,
                                 "category": false_positive_category(verdict, message)})
        elif verdict["resolved"]:
            imp003_resolved.append({**verdict, "plumb": found[0]["message"]})
        else:
            misses.append(verdict)
    unjudged = []
    for (path, line), found in sorted(by_line.items()):
        if (path, line) in judged_lines:
            continue
        for diagnostic in found:
            if diagnostic["code"] == "IMP001":
                specifier = specifier_of(diagnostic["message"])
                shape = (plumb_reason(diagnostic["message"]) if path.endswith((".py", ".pyi"))
                         else specifier_shape(specifier))
                unjudged.append({"path": path, "line": line, "specifier": specifier,
                                 "shape": shape,
                                 "plumb": diagnostic["message"]})
    return {
        "judged": counts["judged"], "skipped": counts["skipped"], "agree": counts["agree"],
        "false_imp001": false_imp001, "imp003_where_resolved": imp003_resolved,
        "misses": misses, "unjudged_imp001": unjudged, "confirmed_imp001": confirmed,
    }


def grouped(items: list[dict], key: str, examples: int) -> dict:
    groups: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        groups[item[key]].append(item)
    return {
        name: {"count": len(members), "examples": [
            f"{m['path']}:{m['line']}: `{m.get('specifier') or m.get('import')}`"
            + (f" -> {m['target']}" if m.get("target") else "")
            for m in members[:examples]
        ]}
        for name, members in sorted(groups.items(), key=lambda item: -len(item[1]))
    }


def run_tree(entry: dict, tree: Path, args, differential) -> dict:
    result = {"name": entry["name"], "repository": entry["repository"],
              "commit": entry["commit"], "kind": entry["kind"], "patterns": entry["patterns"]}
    if not tree.is_dir():
        result["status"] = "missing"
        result["obtain"] = how_to_obtain(entry, tree)
        return result
    commit = checked_out_commit(tree)
    result["checked_out"] = commit
    if commit is not None and commit != entry["commit"]:
        message = (f"{entry['name']}: commit {commit[:12]} is checked out, the manifest pins "
                   f"{entry['commit'][:12]}: the numbers describe another tree")
        if args.strict_commit:
            sys.exit(message)
        result["warning"] = message
    # As a new user runs it: the tree's own configuration, nothing cached.
    report = differential.plumb_report(args.plumb, tree, config=("--no-cache",))
    ecma = [f["path"] for f in report["files"]
            if f["language"] in ("typescript", "javascript") and f["status"] == "ok"]
    python = [f["path"] for f in report["files"]
              if f["language"] == "python" and f["status"] == "ok"]
    verdicts = differential.oracle_verdicts(
        [args.node, str(ORACLES / "ts_resolve.js")], tree, ecma
    ) + differential.oracle_verdicts(
        [sys.executable, str(ORACLES / "py_resolve.py")], tree, python
    )
    by_rule = report["summary"].get("by_rule", {})
    result["status"] = "compared"
    result["files"] = {"typescript/javascript": len(ecma), "python": len(python)}
    result["plumb"] = {code: by_rule.get(code, 0) for code in ("IMP001", "IMP002", "IMP003")}
    comparison = compare(report, verdicts)
    result.update({key: comparison[key] for key in ("judged", "skipped", "agree")})
    result["counts"] = {key: len(comparison[key]) for key in (
        "false_imp001", "imp003_where_resolved", "misses", "unjudged_imp001", "confirmed_imp001")}
    result["false_imp001_by_category"] = grouped(comparison["false_imp001"], "category",
                                                 args.examples)
    result["unjudged_imp001_by_shape"] = grouped(comparison["unjudged_imp001"], "shape",
                                                 args.examples)
    result["disagreements"] = {key: comparison[key] for key in (
        "false_imp001", "imp003_where_resolved", "misses", "unjudged_imp001")}
    result["confirmed_imp001"] = comparison["confirmed_imp001"]
    return result


def print_tree(result: dict, shown: int) -> None:
    name = result["name"]
    if result["status"] == "missing":
        print(f"{name}: not found; obtain it with:\n    {result['obtain']}")
        return
    if "warning" in result:
        print(f"warning: {result['warning']}")
    plumb = result["plumb"]
    counts = result["counts"]
    print(f"{name}: {result['judged']} imports judged ({result['skipped']} skipped), "
          f"plumb IMP001 {plumb['IMP001']}, IMP003 {plumb['IMP003']}, IMP002 {plumb['IMP002']}; "
          f"agree {result['agree']}, false IMP001 {counts['false_imp001']}, "
          f"IMP003 where resolved {counts['imp003_where_resolved']}, "
          f"misses {counts['misses']}, unjudged IMP001 {counts['unjudged_imp001']} "
          f"(IMP001 the oracle confirms: {counts['confirmed_imp001']})")
    for title, groups in (("false IMP001", result["false_imp001_by_category"]),
                          ("unjudged IMP001", result["unjudged_imp001_by_shape"])):
        for category, group in groups.items():
            print(f"  {title} [{category}]: {group['count']}")
            for example in group["examples"]:
                print(f"      {example}")
    for verdict in result["disagreements"]["misses"][:shown]:
        print(f"  miss: {verdict['path']}:{verdict['line']}: "
              f"`{verdict.get('specifier') or verdict.get('import')}`"
              f" (oracle: {verdict.get('why') or 'unresolved'})")
    for item in result["disagreements"]["false_imp001"][:shown]:
        print(f"  false IMP001: {item['path']}:{item['line']}: {item['plumb']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=TOOLS / "real-monorepos.json")
    parser.add_argument("--plumb", type=Path, default=Path("target/release/plumb"))
    parser.add_argument("--node", default="node")
    parser.add_argument("--only", default="", help="comma-separated tree names")
    parser.add_argument("--examples", type=int, default=3, help="examples per category")
    parser.add_argument("--list", type=int, default=0, dest="shown",
                        help="also list up to N misses and false IMP001s per tree")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--strict-commit", action="store_true")
    parser.add_argument("trees", type=Path)
    args = parser.parse_args()
    args.plumb = args.plumb.resolve()
    if not args.plumb.is_file():
        sys.exit(f"no plumb binary at {args.plumb}: run `cargo build --release` or pass --plumb")
    if not (ORACLES / "node_modules" / "typescript").is_dir():
        sys.exit("the TypeScript oracle is not installed: run `npm ci --prefix tools/oracles`")
    manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
    only = {name for name in args.only.split(",") if name}
    differential = load_import_differential()
    results = []
    for entry in manifest["trees"]:
        if only and entry["name"] not in only:
            continue
        result = run_tree(entry, args.trees.resolve() / entry["name"], args, differential)
        results.append(result)
        if not args.json:
            print_tree(result, args.shown)
    if args.json:
        json.dump({"manifest": str(args.manifest), "trees": results}, sys.stdout, indent=1)
        print()
    missing = [r["name"] for r in results if r["status"] == "missing"]
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Import-resolution check over the real-code corpus: what IMP001 reports there, and whether it
finds imports of modules that do not exist when they are injected.

Usage:
    python3 tools/corpus_imports.py [--plumb PATH] [CORPUS_DIR]

CORPUS_DIR is the output of benches/corpus/make-corpus.sh (default: benches/.work/corpus).
For each tree it knows (django, celery, zod, msw, rxjs) that is present:

  1. runs `plumb check --isolated --select IMP --fail-on never --output-format json` inside the
     tree and prints the IMP001/IMP002/IMP003 counts and every IMP001 (each one is either a true
     finding or a false positive to explain);
  2. copies the tree to a temporary directory, appends imports of modules that do not exist to
     one real source file (an absolute submodule, a `from package import name` and a relative
     import for Python; a relative import with and without `.js` for TypeScript), runs plumb
     again and checks that every injected line is reported as IMP001 and nothing else changed.

Exits 1 when an injected import is missed or the injection changed other findings. Nothing is
executed from the corpus; plumb only reads it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

# tree -> (file to append to, lines to append). Each appended line must become one IMP001.
INJECTIONS: dict[str, tuple[str, list[str]]] = {
    "django": (
        "django/db/models/base.py",
        [
            "import django.db.models.plumb_injected_missing",
            "from django.utils import plumb_injected_name",
            "from .plumb_injected_sibling import thing",
        ],
    ),
    "celery": (
        "celery/app/base.py",
        [
            "import celery.app.plumb_injected_missing",
            "from celery.utils import plumb_injected_name",
            "from ..plumb_injected_sibling import thing",
        ],
    ),
    "zod": (
        "src/v4/core/core.ts",
        [
            'import { injected } from "./plumb-injected-missing";',
            'export * from "./plumb-injected-missing-too.js";',
        ],
    ),
    "msw": (
        "src/core/delay.ts",
        [
            'import { injected } from "./plumb-injected-missing";',
            'export * from "../plumb-injected/missing.js";',
        ],
    ),
    "rxjs": (
        "src/index.ts",
        [
            'import { injected } from "./plumb-injected-missing";',
            'export * from "./internal/plumb-injected-missing.js";',
        ],
    ),
}


def run_plumb(plumb: Path, tree: Path) -> list[dict]:
    result = subprocess.run(
        [
            str(plumb),
            "check",
            "--isolated",
            "--select",
            "IMP",
            "--fail-on",
            "never",
            "--output-format",
            "json",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"plumb failed in {tree} (exit {result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout)["diagnostics"]


def key(diagnostic: dict) -> tuple[str, int, str, str]:
    return (diagnostic["path"], diagnostic["line"], diagnostic["code"], diagnostic["message"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plumb", default="target/release/plumb", type=Path)
    parser.add_argument("corpus", nargs="?", default="benches/.work/corpus", type=Path)
    args = parser.parse_args()
    plumb = args.plumb.resolve()
    failures = 0
    for name, (relative, lines) in INJECTIONS.items():
        tree = args.corpus / name
        if not tree.is_dir():
            print(f"{name}: not in {args.corpus}, skipped")
            continue
        before = run_plumb(plumb, tree)
        counts = Counter(d["code"] for d in before)
        print(
            f"{name}: IMP001 {counts['IMP001']}, IMP002 {counts['IMP002']}, "
            f"IMP003 {counts['IMP003']}"
        )
        for diagnostic in before:
            if diagnostic["code"] == "IMP001":
                print(f"  {diagnostic['path']}:{diagnostic['line']}: {diagnostic['message'][:160]}")
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / name
            shutil.copytree(tree, copy, symlinks=True)
            target = copy / relative
            text = target.read_text(encoding="utf-8")
            if not text.endswith("\n"):
                text += "\n"
            first_line = text.count("\n") + 1
            target.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
            after = run_plumb(plumb, copy)
        injected = {(relative, first_line + offset) for offset in range(len(lines))}
        found = {
            (d["path"], d["line"])
            for d in after
            if d["code"] == "IMP001" and (d["path"], d["line"]) in injected
        }
        missed = sorted(injected - found)
        others_before = Counter(key(d) for d in before)
        others_after = Counter(key(d) for d in after if (d["path"], d["line"]) not in injected)
        changed = (others_before - others_after) + (others_after - others_before)
        print(f"  injected {len(injected)} missing imports into {relative}: found {len(found)}")
        for path, line in missed:
            failures += 1
            print(f"  MISSED {path}:{line}")
        for diagnostic_key, count in changed.items():
            failures += 1
            print(f"  CHANGED x{count}: {diagnostic_key}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

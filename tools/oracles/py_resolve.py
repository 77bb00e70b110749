#!/usr/bin/env python3
"""py_resolve.py - CPython's own module finder as the oracle for IMP001 on Python imports.

Usage:
    python3 tools/oracles/py_resolve.py ROOT < paths

ROOT is the project root; stdin holds Python files relative to ROOT, one per line. For every
import it can judge it prints one JSON object per line:

    {"path": <as given>, "line": N, "end_line": N, "import": "<as written>",
     "resolved": true|false, "why": "<the module that was not found, or the reason>"}

or, for an import the finder cannot judge without running code, {"path", "line", "end_line",
"import", "skip": "<reason>"}.

Nothing is imported or executed: files are parsed with `ast`, and modules are looked up with
`importlib.machinery.PathFinder.find_spec(name, [directory])`, which only lists directories
(the same finder `import` uses, with its rules for packages, namespace packages, extension
modules and sourceless files). The search path is ROOT alone, as when the project is run from
its root:

  * `import a.b.c` and `from a.b import c` are judged when `a` is a regular package or module
    in ROOT (it wins over anything installed; a plain directory would not): each module of the
    dotted name must exist; `c` must be a
    submodule, else it is judged only when `a/b/__init__.py` is empty (binds nothing) and
    skipped otherwise (a name the package binds can only be known by running it);
  * relative imports are judged from the file's package (the directories with `__init__.py`
    above it); going above the top-level package does not resolve.

Everything else (the standard library, third-party packages, other roots) is not judged.
"""

from __future__ import annotations

import ast
import json
import sys
from importlib.machinery import PathFinder
from pathlib import Path


def find(name: str, locations: list[str]):
    """The spec of the last part of `name` in `locations`, or None. Only the last part is
    passed: for a dotted name the finder would look its parent up in `sys.modules` (to build a
    namespace package's path), and nothing is imported here."""
    try:
        return PathFinder.find_spec(name.rpartition(".")[2], locations)
    except (ImportError, ValueError):
        return None


def search_locations(spec) -> list[str]:
    """A package's directories. A namespace package's `_NamespacePath` recomputes itself from
    its parent in `sys.modules`, which is empty here: its initial `_path` is what was found."""
    locations = spec.submodule_search_locations
    return list(getattr(locations, "_path", locations))


def module_locations(root: Path, dotted: list[str]):
    """Walks `dotted` from `root`; returns (spec of the last part, None) or (None, missing)."""
    locations = [str(root)]
    spec = None
    for position in range(len(dotted)):
        name = ".".join(dotted[: position + 1])
        spec = find(name, locations)
        if spec is None:
            return None, name
        if position + 1 < len(dotted):
            if spec.submodule_search_locations is None:
                return None, ".".join(dotted[: position + 2])
            locations = search_locations(spec)
    return spec, None


def package_of(root: Path, file: Path) -> tuple[Path, list[str]] | None:
    """The directory holding the file's top-level package and the dotted package the file
    belongs to (its directories with `__init__.py`), or None when the root itself is a package
    (its import name depends on what is above the project)."""
    # The topmost directory below the root with an `__init__.py` starts the package: a
    # directory without one inside it (`flask/sansio/`) is a namespace portion of it, and
    # the file's `__package__` is still `flask.sansio`.
    if (root / "__init__.py").is_file():
        return None
    chain = []
    directory = file.parent
    while directory != root and root in directory.parents:
        chain.append(directory)
        directory = directory.parent
    regular = [position for position, d in enumerate(chain) if (d / "__init__.py").is_file()]
    if not regular:
        return file.parent, []
    top = max(regular)
    parts = [d.name for d in reversed(chain[: top + 1])]
    return chain[top].parent, parts


def regular_at_root(root: Path, top: str) -> bool:
    """Whether `top` is a regular package or module in ROOT: then it wins over anything
    installed, since the root comes first on `sys.path`. A plain directory (namespace portion)
    does not: an installed package of that name would be imported instead, so it is not
    judged."""
    spec = find(top, [str(root)])
    return spec is not None and spec.loader is not None and spec.origin not in (None, "namespace")


def binds_nothing(spec) -> bool:
    """Whether importing the module can bind no names: an empty `__init__.py` (or none)."""
    if spec.origin in (None, "namespace") or spec.origin == "":
        return True
    path = Path(spec.origin)
    return path.name == "__init__.py" and path.stat().st_size == 0


def missing_or_build(root: Path, missing: str, locations_hint: Path | None = None):
    """`unresolved` for a missing module, or `skip` when a Cython source stands in its place
    (built at install time: plumb counts it as existing, the finder cannot)."""
    parts = missing.split(".")
    candidates = [root.joinpath(*parts).with_suffix(ext) for ext in (".pyx", ".pxd", ".pyi")]
    candidates.append(root.joinpath(*parts, "__init__.pyi"))
    if locations_hint is not None:
        candidates += [locations_hint / (parts[-1] + ext) for ext in (".pyx", ".pxd", ".pyi")]
    if any(candidate.is_file() for candidate in candidates):
        return "skip", f"{missing} is a Cython source or a stub, not found by the finder"
    return "unresolved", missing


def judge(root: Path, file: str):
    """(first line, last line, import as written, verdict, detail) for each judged import."""
    absolute = root / file
    try:
        tree = ast.parse(absolute.read_bytes(), filename=file)
    except (SyntaxError, ValueError, OSError):
        return
    package = package_of(root, absolute)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        span = (node.lineno, node.end_lineno or node.lineno)
        if isinstance(node, ast.Import):
            for alias in node.names:
                dotted = alias.name.split(".")
                if not regular_at_root(root, dotted[0]):
                    continue
                _, missing = module_locations(root, dotted)
                verdict = ("resolved", None) if missing is None else missing_or_build(root, missing)
                yield (*span, f"import {alias.name}", *verdict)
        elif isinstance(node, ast.ImportFrom):
            written = f"from {'.' * node.level}{node.module or ''} import ..."
            if node.level == 0:
                dotted = (node.module or "").split(".")
                if not regular_at_root(root, dotted[0]):
                    continue
            search_from = root
            if node.level > 0:
                if package is None:
                    continue
                search_from, parts = package
                if node.level > len(parts):
                    yield (*span, written, "unresolved", "beyond the top-level package")
                    continue
                base = parts[: len(parts) - node.level + 1]
                dotted = base + (node.module.split(".") if node.module else [])
            spec, missing = module_locations(search_from, dotted)
            if missing is not None:
                yield (*span, written, *missing_or_build(search_from, missing, absolute.parent))
                continue
            names = [alias.name for alias in node.names if alias.name != "*"]
            if spec.submodule_search_locations is None:
                # A module, not a package: its names are only known by running it.
                yield (*span, written, "skip", "names bound by a module")
                continue
            locations = search_locations(spec)
            absent = [
                name for name in names if find(".".join(dotted + [name]), locations) is None
            ]
            if not absent:
                yield (*span, written, "resolved", None)
            elif binds_nothing(spec):
                yield (*span, written, "unresolved", ".".join(dotted + [absent[0]]))
            else:
                yield (*span, written, "skip", "names bound by the package's __init__")


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    for line in sys.stdin:
        file = line.strip()
        if not file:
            continue
        for line_number, end_line, written, verdict, detail in judge(root, file):
            record = {"path": file, "line": line_number, "end_line": end_line, "import": written}
            if verdict == "skip":
                record["skip"] = detail
            else:
                record["resolved"] = verdict == "resolved"
                record["why"] = detail
            print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The shape of the code, before and after the unit-of-work re-shape (issue 13): cross-area import
cycles, imports across areas made inside functions, hand-built transactions and condition-failure
handlers outside the unit of work, update/condition expressions outside repo modules, and the
largest modules.

Run: ``.venv/bin/python -m bench.bench_architecture`` (prints Markdown) or ``--write`` to store it in
``bench/results/architecture.md``. ``--before REV`` (default: the last commit before the re-shape)
is read from git into a temporary folder.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from io import BytesIO
from pathlib import Path

from tests.unit.test_architecture import all_imports, area

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "architecture.md"
BEFORE = "120fc34"  # main before issue 13
EXPRESSION = re.compile(r"\b[A-Z]\w*Record\.\w+\.(?:set|add|remove|does_not_exist|exists|is_in|between)\(|"
                        r"\b[A-Z]\w*Record\.\w+ (?:==|!=|<=|>=|<|>) ")


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one area (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            visit(v)
    return out


def measure(root: Path) -> dict:
    imports = all_imports(root)
    edges: dict[str, set[str]] = defaultdict(set)
    in_function = repo_reach = 0
    for i in imports:
        src, dst = area(i.source), area(i.target)
        if not src or not dst or src == dst:
            continue
        edges[src].add(dst)
        in_function += i.in_function
        repo_reach += ".repo" in i.target[len(f"chalicelib.{dst}"):][:6]
    transactions = excepts = expressions = 0
    sizes = []
    for path in (root / "chalicelib").rglob("*.py"):
        text = path.read_text()
        rel = path.relative_to(root).as_posix()
        sizes.append((len(text.splitlines()), rel))
        if rel not in ("chalicelib/core/uow.py", "chalicelib/core/db.py"):
            transactions += len(re.findall(r"with transaction\(|TransactWrite\(", text))
            excepts += len(re.findall(r"except \(?(?:PutError|UpdateError|DeleteError|TransactWriteError)", text))
        if not (path.stem == "repo" or path.parent.name == "core"):
            expressions += len(EXPRESSION.findall(text))
    sizes.sort(reverse=True)
    return {"cycles": _cycles(edges), "function_level": in_function, "repo_reach": repo_reach,
            "transactions": transactions, "excepts": excepts, "expressions": expressions, "largest": sizes[:3]}


def _checkout(rev: str) -> Path:
    data = subprocess.run(["git", "archive", rev, "chalicelib"], cwd=ROOT, check=True, capture_output=True).stdout
    folder = Path(tempfile.mkdtemp(prefix="sambung-before-"))
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(folder)
    return folder


def report(before: dict, after: dict, rev: str) -> str:
    def row(label, key, fmt=str):
        return f"| {label} | {fmt(before[key])} | {fmt(after[key])} |"

    cycles = lambda c: "; ".join(" - ".join(x) for x in c) or "none"  # noqa: E731
    largest = lambda s: "<br>".join(f"{n} `{p}`" for n, p in s)  # noqa: E731
    return "\n".join([
        "# Architecture (issue 13: unit of work, one-way areas)", "",
        f"Measured with `bench/bench_architecture.py` on the source: before = `{rev}`, after = this tree. "
        "Imports inside functions and `core.lazy` targets count.", "",
        "| what | before | after |", "|---|---|---|",
        row("cross-area import cycles", "cycles", cycles),
        row("imports across areas made inside functions", "function_level"),
        row("imports of another area's repo", "repo_reach"),
        row("hand-built transactions outside the unit of work", "transactions"),
        row("`except ...Error` condition handlers outside the unit of work", "excepts"),
        row("update/condition expressions outside repo modules (and core)", "expressions"),
        row("largest modules (lines)", "largest", largest),
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--before", default=BEFORE)
    args = parser.parse_args()
    text = report(measure(_checkout(args.before)), measure(ROOT), args.before)
    print(text)
    if args.write:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()

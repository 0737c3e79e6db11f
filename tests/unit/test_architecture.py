"""The areas depend one way. Checked on the source itself, so imports made inside functions and
modules reached through ``core.lazy`` count as much as the ones at the top of a file.

The order, top to bottom (an area may import itself and the areas in the layers below it; areas in
the same layer never import each other):

    reports
    reconciliation | shipping
    book_orders
    sales
    payments | inventory
    shoppers | shifts
    notify | printing
    staff | catalog | documents
    core

``chalicelib.schema`` is the composition root (with ``app.py``): it names the modules behind the
registries and the tables, and nothing in ``chalicelib`` imports it. Between areas, calls go
through the other area's service (or a small published module such as ``facts`` or ``kinds``),
never through its ``repo``.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import resolve_name
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"

LAYERS = [
    {"reports"},
    {"reconciliation", "shipping"},
    {"book_orders"},
    {"sales"},
    {"payments", "inventory"},
    {"shoppers", "shifts"},
    {"notify", "printing"},
    {"staff", "catalog", "documents"},
    {"core"},
]
LEVEL = {area: len(LAYERS) - i for i, layer in enumerate(LAYERS) for area in layer}
ROOT_MODULES = {"chalicelib.schema"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (or module.name)
    line: int
    in_function: bool
    lazy: bool = False


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> list[Import]:
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend(Import(name, a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = resolve_name("." * child.level + (child.module or ""), package) if child.level else child.module
                found.extend(Import(name, f"{base}.{a.name}", child.lineno, in_function) for a in child.names)
            elif (isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "lazy"
                  and child.args and isinstance(child.args[0], ast.Constant)):
                target = child.args[0].value
                found.append(Import(name, resolve_name(target, package) if target.startswith(".") else target,
                                    child.lineno, in_function, lazy=True))
            visit(child, inner)

    visit(ast.parse(path.read_text(), str(path)), False)
    return [i for i in found if i.target.startswith("chalicelib")]


@lru_cache(maxsize=4)
def _all_imports(root: Path) -> tuple[Import, ...]:
    return tuple(i for path in sorted((root / "chalicelib").rglob("*.py")) for i in imports_of(path, root))


def all_imports(root: Path = ROOT) -> list[Import]:
    return list(_all_imports(root))


def area(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def cross_area(imports: list[Import]) -> list[Import]:
    return [i for i in imports if area(i.source) and area(i.target) and area(i.source) != area(i.target)
            and i.source not in ROOT_MODULES and not any(i.target.startswith(r) for r in ROOT_MODULES)]


def test_every_area_has_a_place_in_the_order():
    areas = {p.name for p in PACKAGE.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    assert areas == set(LEVEL), f"place these areas in LAYERS: {sorted(areas - set(LEVEL))}"


def test_areas_depend_one_way():
    wrong = [f"{i.source}:{i.line} imports {i.target}" + (" (lazy)" if i.lazy else "")
             for i in cross_area(all_imports()) if LEVEL[area(i.source)] <= LEVEL[area(i.target)]]
    assert not wrong, "imports against the area order:\n" + "\n".join(wrong)


def test_nothing_in_the_package_imports_the_composition_root():
    wrong = [f"{i.source}:{i.line}" for i in all_imports()
             if any(i.target == r or i.target.startswith(r + ".") for r in ROOT_MODULES) and i.source not in ROOT_MODULES]
    assert not wrong, "chalicelib.schema is imported by: " + ", ".join(wrong)


def test_no_area_reaches_into_another_areas_repo():
    wrong = [f"{i.source}:{i.line} imports {i.target}" for i in cross_area(all_imports())
             if ".repo" in i.target.split(area(i.target), 1)[1][:6] or i.target.endswith(".repo")]
    assert not wrong, "use the area's service instead of its repo:\n" + "\n".join(wrong)


def test_a_pure_model_imports_no_aws_or_web_code():
    wrong = []
    for path in (p for p in PACKAGE.rglob("*.py") if p.stem == "model" or p.parent.name == "model"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            wrong += [f"{path.relative_to(ROOT)} imports {n}" for n in names
                      if n.split(".")[0] in {"boto3", "botocore", "pynamodb", "chalice"}]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_imports_inside_functions_and_lazy_modules(tmp_path):
    sample = PACKAGE / "sales" / "routes.py"
    found = imports_of(sample)
    assert any(i.lazy and i.target == "chalicelib.sales.service" for i in found)
    assert any(i.in_function for i in all_imports())


def test_every_state_change_goes_through_the_unit_of_work():
    """No hand-built transaction and no condition-failure handling outside core/uow.py: a lost
    condition reaches a service as its named domain error or as ``ConditionLost``."""
    import re

    pattern = re.compile(r"TransactWrite\(|with transaction\(|is_condition_failure|"
                         r"except \(?(?:PutError|UpdateError|DeleteError|TransactWriteError)")
    wrong = [f"{path.relative_to(ROOT)}:{n}" for path in PACKAGE.rglob("*.py") if path.name != "uow.py"
             for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert not wrong, "write through chalicelib.core.uow instead:\n" + "\n".join(wrong)

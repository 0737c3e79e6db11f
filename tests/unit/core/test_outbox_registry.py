"""Every handler kind the code registers (outbox effects, facts, order kinds) is named by the
composition root, and every named module registers what it is named for, found without importing
it up front."""
import importlib
import re
from pathlib import Path

import pytest

from chalicelib import schema
from chalicelib.core import outbox, uow
from chalicelib.sales import kinds

ROOT = Path(__file__).resolve().parents[3]
REGISTRIES = [
    (outbox.HANDLERS, schema.OUTBOX_HANDLER_MODULES, r"@outbox\.handler\(\"([^\"]+)\""),
    (uow.FACT_HANDLERS, schema.FACT_HANDLER_MODULES, r"@(?:uow\.)?fact_handler\(\"([^\"]+)\""),
    (kinds.KIND_HANDLERS, schema.ORDER_KIND_MODULES, r"@kinds\.handler\(model\.(BOOK_ORDER), \"([^\"]+)\""),
]


def _named(modules) -> dict[str, set[str]]:
    return {kind: {names} if isinstance(names, str) else set(names) for kind, names in modules.items()}


@pytest.mark.parametrize("registry,modules,_", REGISTRIES, ids=["outbox", "facts", "order kinds"])
def test_every_named_kind_resolves_to_handlers_in_the_named_modules(registry, modules, _):
    for kind, names in _named(modules).items():
        found = registry.handlers(kind)
        assert found, kind
        assert {fn.__module__ for fn in found} == names, kind


@pytest.mark.parametrize("registry,modules,pattern", REGISTRIES, ids=["outbox", "facts", "order kinds"])
def test_every_handler_in_the_code_is_named_by_the_composition_root(registry, modules, pattern):
    named = _named(modules)
    for path in (ROOT / "chalicelib").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for match in re.finditer(pattern, path.read_text()):
            kind = "#".join(match.groups()) if len(match.groups()) > 1 else match.group(1)
            assert module in named.get(kind, set()), f"{module} registers {kind} but schema does not name it"
            importlib.import_module(module)

"""Every outbox kind the code writes has a handler, found without importing it up front."""
import importlib
import re
from pathlib import Path

from chalicelib.core import outbox
from chalicelib.schema import OUTBOX_HANDLER_MODULES

ROOT = Path(__file__).resolve().parents[3]


def test_every_registered_kind_resolves_to_its_handler():
    for kind, module in OUTBOX_HANDLER_MODULES.items():
        fn = outbox.handler_for(kind)
        assert fn is not None and fn.__module__ == module, kind


def test_every_handler_in_the_code_is_in_the_registry():
    for module in set(OUTBOX_HANDLER_MODULES.values()):
        importlib.import_module(module)
    found = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        if re.search(r"@outbox\.handler\(", path.read_text()):
            found.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    assert found <= set(OUTBOX_HANDLER_MODULES.values())
    assert set(outbox._HANDLERS) == set(OUTBOX_HANDLER_MODULES)

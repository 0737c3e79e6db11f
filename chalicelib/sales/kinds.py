"""Order kinds owned by areas above sales (a book order): sales asks the owning area to cancel one
or to take its goods out of stock without importing it. The owners register with
``@kinds.handler(kind, action)``; ``chalicelib.schema`` names the module of each."""
from __future__ import annotations

from typing import Callable

from ..core.errors import Conflict
from ..core.registry import Registry

KIND_HANDLERS = Registry("order kinds")


def handler(kind: str, action: str):
    """Register the owning area's ``action`` (``cancel``, ``stock``) for orders of ``kind``."""
    return KIND_HANDLERS.register(f"{kind}#{action}")


def handler_for(kind: str, action: str) -> Callable:
    found = KIND_HANDLERS.handlers(f"{kind}#{action}")
    if not found:
        raise Conflict("Pesanan ini tidak bisa diubah dari sini.", code="invalid_transition")
    return found[-1]

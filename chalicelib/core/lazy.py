"""Modules loaded on first use.

All routes share one Lambda, so everything ``app.py`` imports is paid on every cold start. Routes
and event handlers reach their area's service (and through it the repositories, PynamoDB models,
parsers and PDF code) through :func:`lazy`, so a request loads only the areas it touches.
"""
from __future__ import annotations

import importlib
import threading
from importlib.util import resolve_name


class LazyModule:
    """Stands in for a module until an attribute is read, then imports it (once, thread-safe)."""

    def __init__(self, name: str):
        self._name = name
        self._module = None
        self._lock = threading.Lock()

    def __getattr__(self, attr: str):
        module = self._module
        if module is None:
            with self._lock:
                if self._module is None:
                    self._module = importlib.import_module(self._name)
            module = self._module
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}{' (loaded)' if self._module else ''}>"


def lazy(name: str, package: str | None = None) -> LazyModule:
    """``service = lazy(".service", __package__)`` in a routes module."""
    return LazyModule(resolve_name(name, package) if name.startswith(".") else name)

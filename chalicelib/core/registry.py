"""Handlers that areas register by decorator, loaded on first use.

An area higher up answers for something a lower one (or core) triggers: an outbox effect's
delivery, a fact's counters, an order kind's cancel. The lower side never imports the higher one:
it asks a :class:`Registry` for the handlers of a kind, and the registry imports the module that
registers them, named by the composition root (:mod:`chalicelib.schema`, which ``app.py`` loads),
so the API's cold start loads none of them.
"""
from __future__ import annotations

import importlib
import threading
from typing import Callable, Iterable, Mapping


class Registry:
    def __init__(self, name: str):
        self.name = name
        self._modules: dict[str, tuple[str, ...]] = {}
        self._handlers: dict[str, list[Callable]] = {}
        self._loaded: set[str] = set()
        self._configured = False
        self._lock = threading.Lock()

    def configure(self, modules: Mapping[str, str | Iterable[str]]) -> None:
        """Name the module(s) that register each kind's handlers (the composition root does this)."""
        self._modules = {kind: (names,) if isinstance(names, str) else tuple(names) for kind, names in modules.items()}
        self._configured = True

    def register(self, kind: str):
        """``@registry.register(kind)``: add a handler for ``kind``."""

        def decorate(fn: Callable) -> Callable:
            self._handlers.setdefault(kind, [])
            if fn not in self._handlers[kind]:
                self._handlers[kind].append(fn)
            return fn

        return decorate

    def handlers(self, kind: str) -> list[Callable]:
        """Every handler of ``kind``, loading the modules that register them on first use."""
        if kind not in self._loaded:
            if not self._configured:
                raise RuntimeError(f"{self.name}: no handler modules configured (import chalicelib.schema first)")
            with self._lock:
                for name in self._modules.get(kind, ()):
                    importlib.import_module(name)
                self._loaded.add(kind)
        return self._handlers.get(kind, [])

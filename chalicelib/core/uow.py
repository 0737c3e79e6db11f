"""The unit of work: every state change goes through one.

A service opens a :class:`UnitOfWork`, hands it to the repo functions of the records it changes
(``orders.mark_paid(uow, order, ...)``: the condition and update expressions live there), adds the
effects of the change as outbox items and plain facts for the reports, and commits. The commit
writes all of it at once:

- nothing to write: nothing happens;
- one write and nothing else: a single conditional PutItem / UpdateItem / DeleteItem (cheaper than
  a transaction, and the record is refreshed from the new item as PynamoDB does);
- otherwise one ``TransactWriteItems``: all or nothing.

A failure is sorted into one of three:

- **condition lost** - a write's condition did not hold: the state is not what the caller read.
  If the write was given ``lost=SomeDomainError(...)`` that error is raised (the caller names
  it); otherwise :class:`ConditionLost`, which says which writes failed and, when they asked for
  ``return_values="ALL_OLD"``, the item as it was.
- **conflict** - DynamoDB cancelled the transaction because another one was touching the same
  items at that instant (``TransactionConflict``), or throttled it. :func:`run` builds the work again
  from fresh reads and retries with jittered backoff.
- **error** - anything else is raised as it is.

Facts (``uow.fact(SaleCompleted(...))``) let an area tell the reports what happened without
importing them: at commit, the handlers registered for the fact's kind (loaded on first use, named
by ``schema.FACT_HANDLER_MODULES``) add their own writes, such as counter increments, to the same
transaction.

The methods mirror PynamoDB's ``TransactWrite`` (``save``, ``update``, ``delete``,
``condition_check``), so a repo function written for a transaction takes a unit of work unchanged.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from . import db
from .registry import Registry

T = TypeVar("T")

MAX_ACTIONS = 100  # DynamoDB's limit for one TransactWriteItems
_CONFLICT_CODES = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
_SEND_ORDER = {"check": 0, "delete": 1, "save": 2, "update": 3}
_SINGLE_RETRYABLE = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
                     "TransactionConflictException"}


class ConditionLost(Exception):
    """One or more writes' conditions did not hold; nothing was written."""

    def __init__(self, failed: list["Write"]):
        self.failed = failed
        super().__init__("condition lost: " + ", ".join(w.label or w.describe() for w in failed))

    def labels(self) -> set[str]:
        return {w.label for w in self.failed if w.label}

    def lost(self, label: str) -> bool:
        return label in self.labels()

    def old_items(self) -> list[dict]:
        """The failed writes' items as they were (raw DynamoDB attributes), for writes that asked
        for ``return_values="ALL_OLD"``; an empty dict where the item did not exist."""
        return [w.old_item for w in self.failed if w.old_item is not None]


class Contended(Exception):
    """The work kept losing to concurrent transactions and :func:`run` gave up."""


@dataclass
class Write:
    """One write of the unit: what, on which record, under which condition."""

    op: str  # save | update | delete | check
    record: Model | None
    condition: Condition | None = None
    actions: list[Action] | None = None
    model_cls: type[Model] | None = None
    keys: tuple = ()
    return_values: str | None = None
    label: str | None = None
    lost: Exception | None = None
    old_item: dict | None = field(default=None, repr=False)

    def describe(self) -> str:
        cls = self.model_cls or type(self.record)
        return f"{self.op} {cls.__name__}"


@dataclass(frozen=True)
class OutboxEffect:
    effect_id: str
    kind: str
    store_id: str
    payload: dict
    delay_s: int = 0


FACT_HANDLERS = Registry("facts")  # configured by chalicelib.schema (FACT_HANDLER_MODULES)


def fact_handler(kind: str):
    """Register ``fn(uow, fact)`` to add writes for facts of ``kind`` (a fact's ``KIND``)."""
    return FACT_HANDLERS.register(kind)


class UnitOfWork:
    """Collects writes, outbox items and facts; :meth:`commit` writes them as one."""

    def __init__(self, *, client_request_token: str | None = None):
        self.writes: list[Write] = []
        self.effects: list[OutboxEffect] = []
        self.facts: list[Any] = []
        self._after: list[Callable[[], None]] = []
        self._shared: dict[str, Any] = {}
        self._flushers: list[Callable[["UnitOfWork"], None]] = []
        self._token = client_request_token
        self.committed = False

    # -- writes (the TransactWrite surface, plus a label and the caller's domain error) ----------
    def save(self, record: Model, condition: Condition | None = None, return_values: str | None = None, *,
             label: str | None = None, lost: Exception | None = None) -> Model:
        self.writes.append(Write("save", record, condition, return_values=return_values, label=label, lost=lost))
        return record

    def update(self, record: Model, actions: list[Action], condition: Condition | None = None,
               return_values: str | None = None, *, label: str | None = None, lost: Exception | None = None) -> Model:
        self.writes.append(Write("update", record, condition, actions=list(actions), return_values=return_values,
                                 label=label, lost=lost))
        return record

    def delete(self, record: Model, condition: Condition | None = None, *, label: str | None = None,
               lost: Exception | None = None) -> None:
        self.writes.append(Write("delete", record, condition, label=label, lost=lost))

    def condition_check(self, model_cls: type[Model], hash_key, range_key=None, condition: Condition | None = None, *,
                        label: str | None = None, lost: Exception | None = None) -> None:
        self.writes.append(Write("check", None, condition, model_cls=model_cls, keys=(hash_key, range_key),
                                 label=label, lost=lost))

    # -- effects ---------------------------------------------------------------------------------
    def outbox(self, effect_id: str, kind: str, store_id: str, payload: dict, *, delay_s: int = 0) -> None:
        """An effect delivered after commit by the outbox worker (at least once, idempotent on its id).
        The same effect id already stored fails the commit as a lost condition."""
        self.effects.append(OutboxEffect(effect_id, kind, store_id, payload, delay_s))

    def fact(self, fact: Any) -> None:
        """Something that happened, for whoever listens (reports): a dataclass with a ``KIND``."""
        self.facts.append(fact)

    def shared(self, key: str, factory: Callable[[], T], flush: Callable[["UnitOfWork", T], None]) -> T:
        """One object per unit for ``key``, written by ``flush(uow, obj)`` once every fact is handled:
        for writers that must merge into one write per item (a transaction may touch an item once),
        such as counters several facts add to."""
        if key not in self._shared:
            obj = self._shared[key] = factory()
            self._flushers.append(lambda uow: flush(uow, obj))
        return self._shared[key]

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the unit has committed (never when it failed)."""
        self._after.append(fn)

    def __len__(self) -> int:
        return len(self.writes) + len(self.effects) + len(self.facts)

    # -- commit ----------------------------------------------------------------------------------
    def commit(self) -> None:
        if self.committed:
            raise RuntimeError("unit of work committed twice")
        while self.facts:  # a handler may record a fact of its own
            fact = self.facts.pop(0)
            for fn in FACT_HANDLERS.handlers(fact.KIND):
                fn(self, fact)
        for flush in self._flushers:
            flush(self)
        self._flushers = []
        if self.effects:
            from . import outbox

            for e in self.effects:
                outbox.add(self, e.effect_id, e.kind, e.store_id, e.payload, delay_s=e.delay_s)
            self.effects = []
        if len(self.writes) == 1 and self.writes[0].op != "check" and self.writes[0].return_values is None:
            self._commit_single(self.writes[0])
        elif self.writes:
            self._commit_transaction()
        self.committed = True
        for fn in self._after:
            fn()

    def _commit_single(self, w: Write) -> None:
        try:
            if w.op == "save":
                w.record.save(condition=w.condition)
            elif w.op == "update":
                w.record.update(actions=w.actions, condition=w.condition)
            else:
                w.record.delete(condition=w.condition)
        except (PutError, UpdateError, DeleteError) as exc:
            code = exc.cause_response_code
            if code == "ConditionalCheckFailedException":
                raise _lost([w]) from None
            if code in _SINGLE_RETRYABLE:
                raise _Conflict() from exc
            raise

    def _commit_transaction(self) -> None:
        if len(self.writes) > MAX_ACTIONS:
            raise ValueError(f"a unit of work holds at most {MAX_ACTIONS} writes, not {len(self.writes)}")
        tx = TransactWrite(connection=db.connection(), client_request_token=self._token)
        for w in self.writes:
            if w.op == "save":
                tx.save(w.record, condition=w.condition, return_values=w.return_values)
            elif w.op == "update":
                tx.update(w.record, actions=w.actions, condition=w.condition, return_values=w.return_values)
            elif w.op == "delete":
                tx.delete(w.record, condition=w.condition)
            else:
                tx.condition_check(w.model_cls, *w.keys, condition=w.condition)
        try:
            tx._commit()
        except TransactWriteError as exc:
            if exc.cause_response_code == "TransactionInProgressException":
                raise _Conflict() from exc
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            reasons = list(getattr(exc, "cancellation_reasons", None) or [])
            codes = {r.code for r in reasons if r is not None} - {"None"}
            failed = []
            # PynamoDB sends condition checks, deletes, puts, then updates; the reasons follow that order.
            sent = sorted(self.writes, key=lambda w: _SEND_ORDER[w.op])
            for w, reason in zip(sent, reasons):
                if reason is not None and reason.code == "ConditionalCheckFailed":
                    w.old_item = (reason.raw_item or {}) if w.return_values == "ALL_OLD" else None
                    failed.append(w)
            if failed:
                raise _lost(failed) from None
            if codes and codes <= _CONFLICT_CODES:
                raise _Conflict() from exc
            raise


class _Conflict(Exception):
    """Internal: the commit lost to a concurrent transaction; :func:`run` retries."""


def _lost(failed: list[Write]) -> Exception:
    for w in failed:
        if w.lost is not None:
            return w.lost
    return ConditionLost(failed)


def run(work: Callable[[UnitOfWork], T], *, conflict_retries: int = 4, lost_retries: int = 0,
        client_request_token: str | None = None) -> T:
    """Build the unit with ``work(uow)`` (reading what it needs afresh), commit it, return what
    ``work`` returned.

    A conflict rebuilds and retries with jittered backoff, ``conflict_retries`` times, then raises
    :class:`Contended`. A lost condition raises (the caller's error, or :class:`ConditionLost`),
    unless ``lost_retries`` allows deciding again from fresh reads (someone moved first).
    """
    conflicts = losses = 0
    while True:
        uow = UnitOfWork(client_request_token=client_request_token)
        result = work(uow)
        try:
            uow.commit()
            return result
        except _Conflict:
            conflicts += 1
            if conflicts > conflict_retries:
                raise Contended("gave up after concurrent transactions") from None
            time.sleep(random.uniform(0, 0.02 * 2 ** conflicts))
        except ConditionLost:
            losses += 1
            if losses > lost_retries:
                raise


def commit(writes: Callable[[UnitOfWork], None] | None = None, **kwargs) -> UnitOfWork:
    """``commit(lambda uow: repo.thing(uow, ...))``: one unit, committed, with conflicts retried."""

    def work(uow: UnitOfWork) -> UnitOfWork:
        if writes is not None:
            writes(uow)
        return uow

    return run(work, **kwargs)


def attempt(work: Callable[[UnitOfWork], T], **kwargs) -> tuple[bool, T | None]:
    """Like :func:`run`, but a lost condition answers ``(False, None)`` instead of raising: for
    writes whose loss means "already done" or "someone else did it"."""
    try:
        return True, run(work, **kwargs)
    except ConditionLost:
        return False, None


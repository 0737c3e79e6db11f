"""The unit of work against DynamoDB (moto): one write or a transaction, failures sorted into a
lost condition (the caller's error, or which writes failed and what they found), a conflict
(retried from fresh reads) or an error; outbox items, facts and their merged counters written in
the same commit; the inbox applying a webhook once."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest
from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core import inbox, uow as units
from chalicelib.core.db import TABLES, Table, create_tables, table_meta
from chalicelib.core.errors import Conflict
from chalicelib.core.inbox import InboxRecord
from chalicelib.core.outbox import OutboxItem


class Jar(Table):
    """A test-only table: a counter with a status."""

    Meta = table_meta("test_jars")
    jar_id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute(default="OPEN")
    coins = NumberAttribute(default=0)


TABLES.remove(Jar)  # a test table: never created by the local stack or the AWS stack


@dataclass(frozen=True)
class CoinsDropped:
    KIND: ClassVar[str] = "test.coins_dropped"
    jar_id: str
    coins: int


@pytest.fixture
def jars(aws):
    create_tables([Jar])
    return Jar


def _tally(uow, fact):
    """Counts every dropped coin on a tally jar, merged into one write per unit."""
    def flush(u, pending):
        for jar_id, coins in pending.items():
            u.update(Jar(jar_id=jar_id), actions=[Jar.coins.add(coins)])

    pending = uow.shared("test.tally", dict, flush)
    pending["tally"] = pending.get("tally", 0) + fact.coins


units.fact_handler(CoinsDropped.KIND)(_tally)


def test_one_write_is_a_plain_conditional_write_and_refreshes_the_record(jars):
    jar = Jar(jar_id="a")
    units.commit(lambda uow: uow.save(jar, condition=Jar.jar_id.does_not_exist()))
    units.commit(lambda uow: uow.update(jar, actions=[Jar.coins.add(5)], condition=Jar.status == "OPEN"))
    assert jar.coins == 5 and Jar.get("a").coins == 5


def test_a_lost_condition_raises_the_error_the_caller_named_and_writes_nothing(jars):
    units.commit(lambda uow: uow.save(Jar(jar_id="a", status="CLOSED")))
    taken = Conflict("Toples sudah ditutup.", code="jar_closed")
    with pytest.raises(Conflict) as e:
        units.commit(lambda uow: (uow.update(Jar(jar_id="a"), [Jar.coins.add(1)], condition=Jar.status == "OPEN",
                                             lost=taken),
                                  uow.save(Jar(jar_id="b"))))
    assert e.value is taken
    assert Jar.get("a").coins == 0 and Jar.count() == 1


def test_a_lost_condition_says_which_writes_failed_and_what_they_found(jars):
    units.commit(lambda uow: [uow.save(Jar(jar_id=j, coins=c)) for j, c in (("a", 1), ("b", 2), ("c", 3))])
    # Mixed operations: PynamoDB sends checks, deletes, puts, then updates; the reasons follow that
    # order, not the order the writes were added in.
    with pytest.raises(units.ConditionLost) as e:
        units.commit(lambda uow: (
            uow.update(Jar(jar_id="c"), [Jar.coins.add(1)], condition=Jar.coins == 99, return_values="ALL_OLD",
                       label="c"),
            uow.save(Jar(jar_id="d"), condition=Jar.jar_id.does_not_exist(), label="d"),
            uow.delete(Jar(jar_id="b"), condition=Jar.coins == 2, label="b"),
            uow.condition_check(Jar, "a", condition=Jar.coins == 1, label="a")))
    assert e.value.labels() == {"c"} and e.value.lost("c") and not e.value.lost("d")
    assert [item["coins"]["N"] for item in e.value.old_items()] == ["3"]
    assert Jar.count() == 3 and Jar.get("c").coins == 3


def test_attempt_answers_false_for_a_lost_condition(jars):
    first, _ = units.attempt(lambda uow: uow.save(Jar(jar_id="a"), condition=Jar.jar_id.does_not_exist()))
    again, _ = units.attempt(lambda uow: uow.save(Jar(jar_id="a"), condition=Jar.jar_id.does_not_exist()))
    assert (first, again) == (True, False)


def test_a_conflict_is_retried_from_fresh_reads_and_then_given_up(jars, monkeypatch):
    units.commit(lambda uow: uow.save(Jar(jar_id="a")))
    real = units.UnitOfWork._commit_single
    calls = {"n": 0}

    def busy_twice(self, w):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise units._Conflict()
        return real(self, w)

    monkeypatch.setattr(units.UnitOfWork, "_commit_single", busy_twice)
    reads = []

    def work(uow):
        jar = Jar.get("a", consistent_read=True)
        reads.append(jar.coins)
        uow.update(jar, [Jar.coins.set(jar.coins + 1)], condition=Jar.coins == jar.coins)
        return "done"

    assert units.run(work) == "done" and len(reads) == 3 and Jar.get("a").coins == 1
    calls["n"] = -100
    with pytest.raises(units.Contended):
        units.run(work, conflict_retries=2)


def test_lost_retries_decide_again_from_fresh_reads(jars):
    units.commit(lambda uow: uow.save(Jar(jar_id="a")))
    seen = []

    def work(uow):
        jar = Jar.get("a", consistent_read=True)
        if not seen:  # someone else moves first, between our read and our write
            units.commit(lambda u: u.update(Jar(jar_id="a"), [Jar.coins.add(10)]))
        seen.append(jar.coins)
        uow.update(jar, [Jar.coins.set(jar.coins + 1)], condition=Jar.coins == jar.coins)

    units.run(work, lost_retries=1)
    assert seen == [0, 10] and Jar.get("a").coins == 11


def test_outbox_items_facts_and_merged_counters_commit_with_the_change(jars):
    units.commit(lambda uow: [uow.save(Jar(jar_id=j)) for j in ("a", "tally")])
    done = []

    def work(uow):
        uow.update(Jar(jar_id="a"), [Jar.coins.add(7)])
        uow.fact(CoinsDropped("a", 3))
        uow.fact(CoinsDropped("a", 4))  # two facts, one write to the tally (a transaction touches an item once)
        uow.outbox("coins#a", "test.coins", "s1", {"jar": "a"})
        uow.after_commit(lambda: done.append(True))

    units.run(work)
    assert Jar.get("a").coins == 7 and Jar.get("tally").coins == 7 and done == [True]
    assert OutboxItem.get("coins#a").kind == "test.coins"
    # The same effect twice is a lost condition: the whole unit is refused, after_commit never runs.
    late = []
    with pytest.raises(units.ConditionLost):
        units.run(lambda uow: (uow.update(Jar(jar_id="a"), [Jar.coins.add(1)]),
                               uow.outbox("coins#a", "test.coins", "s1", {}),
                               uow.after_commit(lambda: late.append(True))))
    assert Jar.get("a").coins == 7 and late == []


def test_a_unit_refuses_more_writes_than_one_transaction_takes(jars):
    with pytest.raises(ValueError):
        units.commit(lambda uow: [uow.save(Jar(jar_id=f"j{i}")) for i in range(units.MAX_ACTIONS + 1)])
    assert Jar.count() == 0


def test_the_inbox_applies_an_event_once_and_again_only_if_it_never_finished(jars):
    applied = []

    def apply():
        applied.append(1)
        return "paid"

    first = inbox.process("midtrans", "ev1", store_id="s1", subject="o1", raw={"a": 1}, apply=apply)
    again = inbox.process("midtrans", "ev1", store_id="s1", subject="o1", raw={"a": 1}, apply=apply)
    assert first == {"status": "ok", "outcome": "paid"} and again == {"status": "duplicate", "outcome": "paid"}
    assert len(applied) == 1 and inbox.get("midtrans", "ev1").purge_at is None

    def dies():
        raise RuntimeError("the handler died before marking the event applied")

    with pytest.raises(RuntimeError):
        inbox.process("biteship", "ev2", store_id="s1", subject="sh1", raw={}, keep_seconds=60, apply=dies)
    retried = inbox.process("biteship", "ev2", store_id="s1", subject="sh1", raw={}, keep_seconds=60, apply=apply)
    assert retried["status"] == "ok" and len(applied) == 2
    assert [r.event_key for r in InboxRecord.scan() if r.subject == "sh1"] == ["ev2"]

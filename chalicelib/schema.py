"""Every module that defines tables. Table creation (local stack, tests, CDK) imports these and
reads the registered PynamoDB models; add a module here when an area gains a repo."""
from __future__ import annotations

import importlib

TABLE_MODULES = [
    "chalicelib.core.idempotency",
    "chalicelib.core.outbox",
    "chalicelib.core.inbox",
    "chalicelib.core.ratelimit",
    "chalicelib.staff.repo",
    "chalicelib.catalog.repo",
    "chalicelib.inventory.repo",
    "chalicelib.sales.repo",
    "chalicelib.book_orders.unique_codes",
    "chalicelib.shoppers.repo",
    "chalicelib.notify.repo",
    "chalicelib.reports.repo",
    "chalicelib.shifts.repo",
    "chalicelib.printing.repo",
    "chalicelib.shipping.repo",
    "chalicelib.reconciliation.repo",
    "chalicelib.reconciliation.feed_repo",
]


# Outbox kinds and the module whose ``@outbox.handler`` delivers them. The worker imports a module
# only when an item of its kind is delivered, so the API's cold start loads none of them.
OUTBOX_HANDLER_MODULES = {
    "sale.stock": "chalicelib.sales.stock",
    "refund.stock": "chalicelib.sales.stock",
    "print.receipt": "chalicelib.sales.receipts",
    "print.refund_receipt": "chalicelib.sales.receipts",
    "print.order_slip": "chalicelib.book_orders.service",
    "print.shift_report": "chalicelib.shifts.service",
    "message": "chalicelib.notify.service",
    "reconciliation.order_paid": "chalicelib.reconciliation.claims",
    "shipment.request": "chalicelib.shipping.booking",
    "book_order.cod_outcome": "chalicelib.book_orders.service",
}


# Fact kinds (``uow.fact(...)``) and the modules whose ``@uow.fact_handler`` add their writes to the
# same transaction. Loaded when a fact of that kind is first committed.
FACT_HANDLER_MODULES = {
    "sale.completed": ("chalicelib.reports.counters", "chalicelib.shifts.facts", "chalicelib.book_orders.shipping"),
    "refund.done": ("chalicelib.reports.counters", "chalicelib.shifts.facts"),
    "shipment.requested": ("chalicelib.reports.counters",),
    "book_order.moved": ("chalicelib.reports.counters",),
    "drop_order.moved": ("chalicelib.reports.counters",),
    "shipment.changed": ("chalicelib.reports.counters", "chalicelib.sales.returns"),
}


# Order kinds owned by an area above sales, and the module that registers their handlers
# (``sales.kinds.handler``): sales asks the owner without importing it.
ORDER_KIND_MODULES = {
    "BOOK_ORDER#cancel": "chalicelib.book_orders.service",
    "BOOK_ORDER#stock": "chalicelib.book_orders.holds",
    "BOOK_ORDER#restock": "chalicelib.book_orders.holds",
    # the other way round: a booking asks the shipping area (above it) for the courier's rates
    "BOOK_ORDER#courier_quote": "chalicelib.shipping.rates",
}


def configure() -> None:
    """Tell the registries which module answers for each kind (loaded when first needed)."""
    from .core import outbox, uow
    from .sales import kinds

    outbox.HANDLERS.configure(OUTBOX_HANDLER_MODULES)
    uow.FACT_HANDLERS.configure(FACT_HANDLER_MODULES)
    kinds.KIND_HANDLERS.configure(ORDER_KIND_MODULES)


configure()


def all_tables():
    from .core.db import TABLES

    for name in TABLE_MODULES:
        importlib.import_module(name)
    return list(TABLES)

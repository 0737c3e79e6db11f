"""Every module that defines tables. Table creation (local stack, tests, CDK) imports these and
reads the registered PynamoDB models; add a module here when an area gains a repo."""
from __future__ import annotations

import importlib

TABLE_MODULES = [
    "chalicelib.core.idempotency",
    "chalicelib.core.outbox",
    "chalicelib.staff.repo",
    "chalicelib.catalog.repo",
    "chalicelib.inventory.repo",
    "chalicelib.sales.repo",
    "chalicelib.sales.kode_unik",
    "chalicelib.shoppers.repo",
    "chalicelib.notify.repo",
    "chalicelib.reports.repo",
    "chalicelib.shifts.repo",
    "chalicelib.printing.repo",
    "chalicelib.shipping.repo",
    "chalicelib.reconciliation.repo",
]


# Outbox kinds and the module whose ``@outbox.handler`` delivers them. The worker imports a module
# only when an item of its kind is delivered, so the API's cold start loads none of them.
OUTBOX_HANDLER_MODULES = {
    "sale.stock": "chalicelib.inventory.service",
    "print.receipt": "chalicelib.sales.receipts",
    "print.order_slip": "chalicelib.sales.book_orders",
    "print.shift_report": "chalicelib.shifts.service",
    "message": "chalicelib.notify.service",
    "reconciliation.order_paid": "chalicelib.reconciliation.claims",
    "shipment.request": "chalicelib.shipping.service",
}


def all_tables():
    from .core.db import TABLES

    for name in TABLE_MODULES:
        importlib.import_module(name)
    return list(TABLES)

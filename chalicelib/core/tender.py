"""How a sale was paid: the tender vocabulary that sales, shifts and reports all count by, and
the names of the per-tender counters they keep (``by_method#QRIS``, ``by_issuer#gopay``)."""
from __future__ import annotations

import re

CASH, QRIS, BANK_TRANSFER = "CASH", "QRIS", "BANK_TRANSFER"
COD = "COD"  # a chat order's money the courier collected on delivery
METHODS = (CASH, QRIS, BANK_TRANSFER, COD)
METHOD_LABELS = {CASH: "Tunai", QRIS: "QRIS", BANK_TRANSFER: "Transfer bank", COD: "COD (bayar di tempat)"}
UNKNOWN_ISSUER = "lainnya"  # a QRIS payment whose gateway did not say which app paid


def method_key(method: str) -> str:
    return f"by_method#{method}"


def method_count_key(method: str) -> str:
    return f"by_method_count#{method}"


def issuer_key(issuer: str) -> str:
    return f"by_issuer#{issuer}"


def issuer_count_key(issuer: str) -> str:
    return f"by_issuer_count#{issuer}"


def normalize_issuer(issuer: str | None) -> str:
    """Gateways spell issuers in their own case (``gopay``, ``GoPay``); one counter per app."""
    cleaned = re.sub(r"[^a-z0-9_]+", "", (issuer or "").strip().lower())
    return cleaned or UNKNOWN_ISSUER


def tender_increments(method: str, issuer: str | None, total: int) -> dict[str, int]:
    """What one sale adds to per-tender counters: its method and, for QRIS, the app that paid."""
    inc = {method_key(method): total, method_count_key(method): 1}
    if method == QRIS:
        name = normalize_issuer(issuer)
        inc[issuer_key(name)] = total
        inc[issuer_count_key(name)] = 1
    return inc

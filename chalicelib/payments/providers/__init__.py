"""Payment gateway adapters behind one interface (:class:`~.base.PaymentGateway`).

Adapters import only the core HTTP client, so building one stays cheap inside the shared Lambda.
"""
from __future__ import annotations

from typing import Any

from .base import (
    REFUND_STATUSES,
    STATUSES,
    CancelNotSupported,
    GatewayEvent,
    GatewayNotFound,
    GatewayStatus,
    PartialRefundNotSupported,
    PaymentGateway,
    QrisCharge,
    RefundExceedsPaid,
    RefundInProgress,
    RefundInsufficientBalance,
    RefundKeyConflict,
    RefundNotAllowed,
    RefundNotFound,
    RefundNotSupported,
    RefundRefused,
    RefundResult,
    RefundWindowPassed,
)
from .midtrans import MidtransGateway
from .xendit import XenditGateway

__all__ = [
    "REFUND_STATUSES",
    "STATUSES",
    "CancelNotSupported",
    "GatewayEvent",
    "GatewayNotFound",
    "GatewayStatus",
    "MidtransGateway",
    "PartialRefundNotSupported",
    "PaymentGateway",
    "QrisCharge",
    "RefundExceedsPaid",
    "RefundInProgress",
    "RefundInsufficientBalance",
    "RefundKeyConflict",
    "RefundNotAllowed",
    "RefundNotFound",
    "RefundNotSupported",
    "RefundRefused",
    "RefundResult",
    "RefundWindowPassed",
    "XenditGateway",
    "make_gateway",
]

_ADAPTERS = {"midtrans": MidtransGateway, "xendit": XenditGateway}


def make_gateway(provider: str, **config: Any) -> PaymentGateway:
    """Build a merchant's gateway from its payment settings, e.g.
    ``make_gateway("midtrans", server_key=..., base_url=..., notification_url=...)`` or
    ``make_gateway("xendit", secret_key=..., callback_token=..., base_url=...)``.
    """
    try:
        adapter = _ADAPTERS[provider]
    except KeyError:
        raise ValueError(f"unknown payment gateway {provider!r}; expected one of {sorted(_ADAPTERS)}") from None
    return adapter(**config)

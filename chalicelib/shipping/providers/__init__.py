"""Adapters to courier aggregators, one module each, behind :class:`ShippingProvider`.

The errors here are what a provider raises when the courier side refuses or fails; their messages
are written for the merchant (the PWA shows them as they are) and their codes are stable.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from ...core.errors import UpstreamError
from ..model import CourierEvent, CourierRate, RatesRequest, ShipmentInfo, ShipmentRequest


class ShippingProvider(Protocol):
    """What the shipping service needs from a courier aggregator."""

    name: str

    def create_order(self, req: ShipmentRequest) -> ShipmentInfo:
        """Book a courier for ``req``; calling again with the same ``req.reference`` returns the same order."""
        ...

    def get_order(self, provider_order_id: str) -> ShipmentInfo:
        """The order as the provider sees it now (AWB, status, price)."""
        ...

    def find_by_reference(self, reference: str) -> ShipmentInfo | None:
        """The order booked for our sale id, or None when none was booked."""
        ...

    def rates(self, req: RatesRequest) -> list[CourierRate]:
        """What the couriers quote for the parcel ("cek ongkir"), cheapest first."""
        ...

    def cancel_order(self, provider_order_id: str, reason: str) -> ShipmentInfo:
        """Cancel a booked order (only until the courier has picked the parcel up)."""
        ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes | str | None) -> CourierEvent | None:
        """A verified callback, or None when there is nothing to do (a test ping, an event we do not use)."""
        ...


class CourierError(UpstreamError):
    """The courier aggregator refused or failed a request."""

    code = "courier_error"
    template = "{provider} gagal memproses permintaan."

    def __init__(self, provider: str, *, reason: str | None = None, details: dict | None = None):
        message = self.template.format(provider=provider)
        if reason:
            message = f"{message} ({reason})"
        super().__init__(message, details=details)
        self.provider = provider


class CourierAuthFailed(CourierError):
    code = "courier_auth_failed"
    template = "API key {provider} ditolak atau belum diaktifkan untuk membuat pesanan. Periksa API key di Pengaturan Pengiriman."


class CourierInsufficientBalance(CourierError):
    code = "courier_insufficient_balance"
    template = "Saldo {provider} tidak cukup. Isi saldo lalu coba lagi."


class CourierInvalidAddress(CourierError):
    code = "courier_invalid_area"
    template = "{provider} tidak mengenali alamat. Periksa kode pos, area, atau titik lokasi pengirim dan penerima."


class CourierServiceUnavailable(CourierError):
    code = "courier_service_unavailable"
    template = "Layanan kurir ini tidak tersedia untuk kiriman tersebut. Pilih kurir atau layanan lain."


class CourierRequestRejected(CourierError):
    code = "courier_request_rejected"
    template = "{provider} menolak data pengiriman."


class CourierOrderNotFound(CourierError):
    status = 404
    code = "courier_order_not_found"
    template = "Pesanan kurir tidak ditemukan di {provider}."


class CourierRateLimited(CourierError):
    status = 503
    code = "courier_rate_limited"
    template = "Terlalu banyak permintaan ke {provider}. Tunggu sebentar lalu coba lagi."


class CourierUnavailable(CourierError):
    code = "courier_unavailable"
    template = "{provider} sedang bermasalah atau tidak dapat dihubungi. Coba lagi beberapa saat lagi."


class CourierTimeout(CourierError):
    """The outcome is unknown: a booking may exist. Retrying the same reference is safe."""

    status = 504
    code = "courier_timeout"
    template = ("{provider} tidak menjawab tepat waktu. Kiriman belum pasti dibuat; coba lagi, "
                "sistem memeriksa dulu agar tidak dobel.")

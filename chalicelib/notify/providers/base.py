"""The one interface every messaging channel implements."""
from __future__ import annotations

from typing import Protocol, Sequence

from ...core.errors import UpstreamError


class MessageProvider(Protocol):
    """Sends one templated message; returns the provider's message id.

    ``template`` and ``params`` (already in the template's order) are for channels that send approved
    templates (WhatsApp); ``text`` is the rendered message for channels that send plain text (SMS, dev).
    Failures raise :class:`~chalicelib.core.errors.UpstreamError` (the outbox retries them) or
    :class:`RecipientUnreachable` (this channel can never reach the number: try the next one).
    """

    name: str

    def send(self, to_e164: str, template: str, params: Sequence[str], text: str) -> str: ...


class RecipientUnreachable(UpstreamError):
    """The number cannot receive messages on this channel (not on WhatsApp, not an Indonesian mobile...)."""

    code = "recipient_unreachable"


class NotConfigured(UpstreamError):
    """The store has no working credentials for this channel; fixed by an admin, then the retry succeeds."""

    code = "messaging_not_configured"

"""WhatsApp Cloud API (Meta Graph API): template messages.

``POST {api}/{phone-number-id}/messages`` with a bearer token and::

    {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281234567890",
     "type": "template", "template": {"name": ..., "language": {"code": "id"},
                                      "components": [{"type": "body", "parameters": [{"type": "text", "text": ...}]}]}}

Success answers ``{"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid..."}]}``.
Errors answer ``{"error": {"message", "type", "code", "error_subcode", "error_data": {"details"}, "fbtrace_id"}}``;
the ``code`` decides what we do. Business-initiated messages outside a 24-hour customer window must be
templates, which is why every message here is one.
"""
from __future__ import annotations

from typing import Sequence

from ...core import http
from ...core.errors import UpstreamError
from .base import NotConfigured, RecipientUnreachable

DEFAULT_API_URL = "https://graph.facebook.com/v23.0"
SYSTEM = "WhatsApp"

# Graph API codes, grouped by who can fix them.
_AUTH = {0, 3, 10, 190}  # plus 200-299: permissions
_ACCOUNT = {368, 131031, 133010}  # blocked or locked account, business number not registered
_TEMPLATE = {132000, 132001, 132005, 132007, 132012, 132015, 132016}
_RECIPIENT = {131021, 131026, 131030}  # not on WhatsApp / cannot receive / not an allowed test number
_THROTTLED = {4, 80007, 130429, 131048, 131056}


class WhatsAppCloudProvider:
    name = "whatsapp"

    def __init__(self, *, phone_number_id: str, token: str, api_url: str = DEFAULT_API_URL,
                 language: str = "id", timeout: float = 10.0):
        if not phone_number_id or not token:
            raise NotConfigured("WhatsApp belum dikonfigurasi (phone number id atau token kosong).")
        self._url = f"{api_url.rstrip('/')}/{phone_number_id}/messages"
        self._token = token
        self._language = language
        self._timeout = timeout

    def request_body(self, to_e164: str, template: str, params: Sequence[str]) -> dict:
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to_e164.lstrip("+"),
            "type": "template",
            "template": {
                "name": template,
                "language": {"code": self._language},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}],
            },
        }

    def send(self, to_e164: str, template: str, params: Sequence[str], text: str) -> str:
        r = http.request("POST", self._url, json_body=self.request_body(to_e164, template, params),
                         headers={"Authorization": f"Bearer {self._token}"}, timeout=self._timeout, system=SYSTEM)
        body = r.json()
        if 200 <= r.status < 300:
            messages = (body or {}).get("messages") if isinstance(body, dict) else None
            if messages and isinstance(messages[0], dict) and messages[0].get("id"):
                return str(messages[0]["id"])
            raise UpstreamError("WhatsApp menjawab tanpa id pesan.", code="whatsapp_bad_response")
        raise error_for(r.status, body, template)


def error_for(status: int, body, template: str) -> UpstreamError:
    """Turn a Graph API error into the error that says who must act."""
    err = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
    code = err.get("code")
    code = code if isinstance(code, int) else None
    error_data = err.get("error_data") if isinstance(err.get("error_data"), dict) else {}
    detail = str(error_data.get("details") or err.get("message") or f"HTTP {status}")[:200]
    tag = f"kode {code}" if code is not None else f"HTTP {status}"
    if code in _AUTH or (code is not None and 200 <= code <= 299) or status == 401:
        return NotConfigured(f"WhatsApp menolak akses ({tag}): token tidak berlaku atau izin kurang. "
                             f"Periksa pengaturan WhatsApp toko. {detail}")
    if code in _ACCOUNT:
        return NotConfigured(f"Akun WhatsApp Business tidak bisa mengirim ({tag}): {detail}")
    if code in _TEMPLATE:
        return NotConfigured(f"Template WhatsApp {template} belum disetujui atau tidak cocok ({tag}): {detail}")
    if code in _RECIPIENT:
        return RecipientUnreachable(f"Nomor tujuan tidak bisa menerima pesan WhatsApp ({tag}): {detail}")
    if code in _THROTTLED or status == 429:
        return UpstreamError(f"WhatsApp membatasi laju pengiriman ({tag}); dicoba lagi nanti.", code="whatsapp_throttled")
    return UpstreamError(f"WhatsApp gagal mengirim ({tag}): {detail}", code="whatsapp_error")

"""SMS through Zenziva (an Indonesian SMS gateway), "SMS Reguler" console API.

``POST https://console.zenziva.net/reguler/api/sendsms/`` as a form with ``userkey``, ``passkey``,
``to`` (an Indonesian number, ``08...``) and ``message``. The answer is JSON:
``{"messageId": "...", "to": "...", "status": "1", "text": "Success"}``; any other ``status`` is a refusal
whose ``text`` says why (wrong keys, no credit, bad number...).
"""
from __future__ import annotations

from typing import Sequence
from urllib.parse import urlencode

from ...core import http
from ...core.errors import UpstreamError
from .base import NotConfigured, RecipientUnreachable

DEFAULT_API_URL = "https://console.zenziva.net/reguler/api/sendsms/"
SYSTEM = "Zenziva SMS"


class ZenzivaSmsProvider:
    name = "sms"

    def __init__(self, *, userkey: str, passkey: str, api_url: str = DEFAULT_API_URL, timeout: float = 15.0):
        if not userkey or not passkey:
            raise NotConfigured("SMS Zenziva belum dikonfigurasi (userkey atau passkey kosong).")
        self._url = api_url
        self._userkey = userkey
        self._passkey = passkey
        self._timeout = timeout

    @staticmethod
    def national_number(to_e164: str) -> str:
        """Zenziva Reguler delivers to Indonesian numbers, written the way Indonesians write them."""
        if not to_e164.startswith("+62"):
            raise RecipientUnreachable("SMS Zenziva hanya untuk nomor Indonesia (+62).")
        return "0" + to_e164[3:]

    def send(self, to_e164: str, template: str, params: Sequence[str], text: str) -> str:
        form = urlencode({"userkey": self._userkey, "passkey": self._passkey,
                          "to": self.national_number(to_e164), "message": text}).encode()
        r = http.request("POST", self._url, data=form, timeout=self._timeout, system=SYSTEM,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        body = r.json()
        if not 200 <= r.status < 300:
            raise UpstreamError(f"Zenziva SMS gagal (HTTP {r.status}).", code="sms_error")
        if not isinstance(body, dict):
            raise UpstreamError("Zenziva SMS menjawab bukan JSON.", code="sms_bad_response")
        if str(body.get("status")) != "1":
            reason = str(body.get("text") or "tanpa alasan")[:200]
            raise UpstreamError(f"Zenziva SMS menolak pesan: {reason}", code="sms_refused")
        return str(body.get("messageId") or f"zenziva:{body.get('to', '')}")

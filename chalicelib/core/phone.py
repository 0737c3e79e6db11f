"""Phone numbers as people type them, stored as E.164 (``+628...``), shown as ``0812-3456-7890``."""
from __future__ import annotations

import re

from .errors import ValidationError

REGION = "ID"


def normalize_phone(raw: str, region: str = REGION) -> str:
    """``0812 3456 7890``, ``+62 812-3456-7890``, ``62812...`` -> ``+6281234567890``; else a clear error."""
    import phonenumbers  # lazy: the metadata is large

    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("Nomor HP wajib diisi.", code="invalid_phone")
    s = raw.strip()
    if re.search(r"[^\d\s\-+().]", s):
        raise ValidationError("Nomor HP hanya boleh berisi angka.", code="invalid_phone")
    digits = re.sub(r"\D", "", s)
    # People in Indonesia often type the country code without '+': 62812...
    if not s.startswith("+") and digits.startswith("62") and len(digits) >= 10:
        s = "+" + digits
    try:
        num = phonenumbers.parse(s, region)
    except phonenumbers.NumberParseException:
        raise ValidationError("Nomor HP tidak dikenali. Contoh: 0812-3456-7890.", code="invalid_phone") from None
    if not phonenumbers.is_valid_number(num):
        raise ValidationError("Nomor HP tidak valid. Contoh: 0812-3456-7890.", code="invalid_phone")
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """``+6281234567890`` -> ``0812-3456-7890`` (Indonesian numbers); others in international form."""
    if e164.startswith("+62"):
        local = "0" + e164[3:]
        groups = [local[:4], local[4:8], local[8:]]
        return "-".join(g for g in groups if g)
    return e164


def mask_phone(e164: str) -> str:
    """For logs: ``+6281234567890`` -> ``+62812****890``."""
    if len(e164) <= 7:
        return "*" * len(e164)
    return e164[:6] + "*" * (len(e164) - 9) + e164[-3:]


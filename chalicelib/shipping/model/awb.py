"""AWB numbers (nomor resi): the form we store and match on, and what staff may type or scan."""
from __future__ import annotations

import re

from ...core.errors import ValidationError

AWB_MAX_LENGTH = 50
# Scanners append CR/LF/TAB; text copied from chat can carry non-breaking or zero-width spaces.
_AWB_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_AWB_CHAR = re.compile(r"[A-Z0-9-]")


def canonical_awb(raw: object) -> str | None:
    """A courier-issued AWB in the form we store and match on: trimmed, upper-cased, no whitespace.

    No character rules: formats differ per courier and are undocumented, so a number that a
    courier issued is never refused. Empty -> None. JSON numbers are read as their digits.
    """
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    return _AWB_SPACES.sub("", raw).upper() or None


def normalize_awb(raw: object) -> str:
    """An AWB typed or scanned by staff -> its stored form, or a clear error.

    Same form as :func:`canonical_awb`, and additionally only letters, digits and ``-``: that covers
    every courier format we know of and rejects typical scan mistakes (a URL from a QR code, a
    label's "Resi:" caption) before they are saved against a shipment.
    """
    awb = canonical_awb(raw) if isinstance(raw, str) else None
    if awb is None:
        raise ValidationError("Nomor resi wajib diisi.", code="invalid_awb")
    if len(awb) > AWB_MAX_LENGTH:
        raise ValidationError(
            f"Nomor resi terlalu panjang ({len(awb)} karakter, maksimal {AWB_MAX_LENGTH}).", code="invalid_awb"
        )
    invalid = sorted({ch for ch in awb if not _AWB_CHAR.fullmatch(ch)})
    if invalid:
        shown = ", ".join(f'"{ch}"' for ch in invalid)
        raise ValidationError(
            f"Nomor resi hanya boleh berisi huruf, angka, dan tanda minus (-). Karakter tidak valid: {shown}.",
            code="invalid_awb",
            details={"invalid_chars": invalid},
        )
    if awb.strip("-") == "":
        raise ValidationError("Nomor resi harus berisi huruf atau angka.", code="invalid_awb")
    return awb

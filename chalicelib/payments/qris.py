"""QRIS codec: EMVCo Merchant-Presented Mode (MPM) payloads as used by Indonesia's QRIS.

Pure Python, no I/O. Two directions:

* :func:`parse` reads any real-world payload leniently (any tag order between ``00`` and ``63``,
  over-long merchant names, lower-case CRC) but refuses anything structurally wrong with a
  :class:`QrisError` that says what and where: bad CRC (expected vs got), malformed TLV at offset N,
  missing mandatory tag X, duplicate tag, ``00`` not first, ``63`` not last.
* :func:`build` writes strictly: a DYNAMIC payload (``01`` = ``12``), tags in ascending order,
  integer rupiah in ``54``, CRC-16/CCITT-FALSE as four upper-case hex digits.

Representation returned by :func:`parse`: a :class:`QrisPayload`, a read-only mapping from the
two-digit tag id (``"00"`` ... ``"99"``) to its value. Primitive tags map to ``str``; template tags
(``26``-``51``, ``62``, ``64``, ``80``-``99``) map to a read-only mapping of sub-tag id -> ``str``.
The exact encoded value of any tag is still available through :meth:`QrisPayload.raw`, and the
original string through :attr:`QrisPayload.payload` (gateways' strings must be shown verbatim:
the CRC covers every character).

Format facts (TLV layout, template ranges, CRC placement, tag 54 grammar) come from EMVCo MPM as
summarised in ``shared/reference/payments.md`` §1.
"""
from __future__ import annotations

import binascii
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Union

__all__ = [
    "QrisError",
    "QrisPayload",
    "QrisMerchant",
    "parse",
    "build",
    "encode",
    "crc16",
    "parse_amount",
    "amount_of",
    "is_dynamic",
    "merchant_name",
    "expect_dynamic",
]

Value = Union[str, Mapping[str, str]]

STATIC = "11"
DYNAMIC = "12"
CURRENCY_IDR = "360"

# Tags whose value is itself a TLV list (EMVCo MPM: merchant account templates 26-51, additional
# data 62, language template 64, unreserved templates 80-99). 02-25 are primitive card-network ids.
TEMPLATE_TAGS = frozenset([f"{n:02d}" for n in range(26, 52)] + ["62", "64"] + [f"{n:02d}" for n in range(80, 100)])
# EMVCo mandatory objects, plus 01 which QRIS makes mandatory (it tells static from dynamic).
MANDATORY_TAGS = ("00", "01", "52", "53", "58", "59", "60", "63")
_MERCHANT_ACCOUNT_TAGS = frozenset(f"{n:02d}" for n in range(2, 52))

# Tag 54: digits with an optional '.' and at most 2 decimals (QRIS PJSPs send "50000" and
# "789000.00"); at most 13 characters in all.
_AMOUNT = re.compile(r"^(\d+)(?:\.(\d{1,2}))?$")
_HEX4 = re.compile(r"^[0-9A-Fa-f]{4}$")
_MERCHANT_CRITERIA = frozenset({"UMI", "UKE", "UME", "UBE", "URE", "PSO", "BLU"})
_MAX_AMOUNT = 10**13 - 1  # 13 digits, no decimal point


class QrisError(ValueError):
    """A payload that is not a valid QRIS, or arguments that cannot make one.

    ``offset`` is the character offset in the payload where the problem starts, ``tag`` the data
    object involved, when known.
    """

    def __init__(self, message: str, *, offset: int | None = None, tag: str | None = None):
        super().__init__(message)
        self.offset = offset
        self.tag = tag


def crc16(data: str | bytes) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR) as 4 upper-case hex.

    ``binascii.crc_hqx`` is exactly this polynomial, unreflected, with a caller-chosen initial
    value, and runs in C. Zero-padded: a CRC below 0x1000 must still be four digits.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return f"{binascii.crc_hqx(raw, 0xFFFF):04X}"


def parse_amount(text: str) -> int:
    """Read a tag-54 style amount (``"10000"``, ``"10000.00"``) as whole rupiah.

    Refuses fractions of a rupiah (``"10000.50"``), signs, spaces and thousands separators.
    """
    m = _AMOUNT.match(text) if isinstance(text, str) else None
    if not m or len(text) > 13:
        raise QrisError(f"amount {text!r} is not digits with at most 2 decimals (max 13 characters)", tag="54")
    if m.group(2) and int(m.group(2)) != 0:
        raise QrisError(f"amount {text!r} has a fraction of a rupiah", tag="54")
    return int(m.group(1))


def _tlv(text: str, base: int, where: str) -> Iterator[tuple[str, str, int]]:
    """Yield (tag, value, absolute offset) for each data object in ``text``.

    ``base`` is the offset of ``text`` inside the whole payload so errors point at the right place.
    """
    i, n = 0, len(text)
    while i < n:
        head = text[i:i + 4]
        if len(head) < 4:
            raise QrisError(
                f"malformed TLV at offset {base + i}{where}: {n - i} trailing character(s) {head!r}, "
                "need a 2-digit id and a 2-digit length", offset=base + i)
        tag, length = head[:2], head[2:]
        if not (tag.isascii() and tag.isdigit()):
            raise QrisError(f"malformed TLV at offset {base + i}{where}: id {tag!r} is not two digits", offset=base + i)
        if not (length.isascii() and length.isdigit()):
            raise QrisError(
                f"malformed TLV at offset {base + i}{where}: length {length!r} of tag {tag} is not two digits",
                offset=base + i, tag=tag)
        size = int(length)
        value = text[i + 4:i + 4 + size]
        if size == 0 or len(value) < size:
            problem = "is empty" if size == 0 else f"runs past the end (needs {size}, has {len(value)})"
            raise QrisError(f"malformed TLV at offset {base + i}{where}: tag {tag} {problem}", offset=base + i, tag=tag)
        yield tag, value, base + i
        i += 4 + size


def _objects(text: str, base: int, where: str) -> tuple[dict[str, str], dict[str, int], list[str]]:
    values: dict[str, str] = {}
    offsets: dict[str, int] = {}
    order: list[str] = []
    for tag, value, offset in _tlv(text, base, where):
        if tag in values:
            raise QrisError(f"duplicate tag {tag}{where} at offset {offset} (first at {offsets[tag]})", offset=offset, tag=tag)
        values[tag], offsets[tag] = value, offset
        order.append(tag)
    return values, offsets, order


class QrisPayload(Mapping[str, Value]):
    """A parsed payload: tag id -> ``str``, or for templates tag id -> {sub-tag id -> ``str``}."""

    __slots__ = ("payload", "order", "_raw", "_fields")

    def __init__(self, payload: str, raw: dict[str, str], order: tuple[str, ...], fields: dict[str, Value]):
        self.payload = payload
        self.order = order  # tag ids in the order they appear in the payload
        self._raw = raw
        self._fields = fields

    def __getitem__(self, tag: str) -> Value:
        return self._fields[tag]

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"QrisPayload({self.payload!r})"

    def raw(self, tag: str) -> str:
        """The value of ``tag`` exactly as encoded (templates not decoded)."""
        return self._raw[tag]

    def to_dict(self) -> dict[str, str | dict[str, str]]:
        """Plain nested dicts (for JSON and logs)."""
        return {tag: dict(v) if isinstance(v, Mapping) else v for tag, v in self._fields.items()}

    @property
    def is_dynamic(self) -> bool:
        return self._raw["01"] == DYNAMIC

    @property
    def amount(self) -> int | None:
        """Tag 54 in whole rupiah, ``None`` when absent (a static QR). Refuses fractional rupiah."""
        text = self._raw.get("54")
        return None if text is None else parse_amount(text)

    @property
    def currency(self) -> str:
        return self._raw["53"]

    @property
    def merchant_name(self) -> str:
        return self._raw["59"]

    @property
    def merchant_city(self) -> str:
        return self._raw["60"]

    @property
    def nmid(self) -> str | None:
        """The national merchant id (QRIS repository template 51, sub-tag 02)."""
        repo = self._fields.get("51")
        return repo.get("02") if isinstance(repo, Mapping) else None

    @property
    def crc(self) -> str:
        return self._raw["63"]


def parse(payload: str) -> QrisPayload:
    """Parse and check a QRIS/EMVCo MPM payload. Raises :class:`QrisError` saying what is wrong."""
    if not isinstance(payload, str):
        raise QrisError(f"payload must be a string, got {type(payload).__name__}")
    if not payload:
        raise QrisError("payload is empty")
    raw, offsets, order = _objects(payload, 0, "")
    if order[0] != "00":
        raise QrisError(f"tag 00 (payload format indicator) must come first, found tag {order[0]}", offset=0, tag=order[0])
    if raw["00"] != "01":
        raise QrisError(f"tag 00 must be '01', got {raw['00']!r}", offset=0, tag="00")
    if "63" not in raw:
        raise QrisError("missing mandatory tag 63 (CRC)", tag="63")
    if order[-1] != "63":
        raise QrisError(
            f"tag 63 (CRC) must be the last data object, found tag {order[-1]} after it at offset {offsets[order[-1]]}",
            offset=offsets[order[-1]], tag=order[-1])
    got = raw["63"]
    if not _HEX4.match(got):
        raise QrisError(f"tag 63 must be 4 hex digits, got {got!r}", offset=offsets["63"], tag="63")
    # The CRC covers everything up to and including the literal "6304".
    expected = crc16(payload[:-4])
    if got.upper() != expected:
        raise QrisError(f"bad CRC: expected {expected}, got {got}", offset=len(payload) - 4, tag="63")
    for tag in MANDATORY_TAGS:
        if tag not in raw:
            raise QrisError(f"missing mandatory tag {tag}", tag=tag)
    if not _MERCHANT_ACCOUNT_TAGS.intersection(raw):
        raise QrisError("missing mandatory merchant account information (one of tags 02-51)")
    if raw["01"] not in (STATIC, DYNAMIC):
        raise QrisError(f"tag 01 must be '11' (static) or '12' (dynamic), got {raw['01']!r}", offset=offsets["01"], tag="01")
    if "54" in raw and (not _AMOUNT.match(raw["54"]) or len(raw["54"]) > 13):
        raise QrisError(f"tag 54 (amount) {raw['54']!r} is not digits with at most 2 decimals", offset=offsets["54"], tag="54")

    fields: dict[str, Value] = {}
    for tag in order:
        if tag in TEMPLATE_TAGS:
            # +4 skips the template's own id and length so sub-tag offsets are absolute.
            subs, _, _ = _objects(raw[tag], offsets[tag] + 4, f" inside template {tag}")
            fields[tag] = MappingProxyType(subs)
        else:
            fields[tag] = raw[tag]
    return QrisPayload(payload, raw, tuple(order), fields)


def _as_payload(payload: str | QrisPayload) -> QrisPayload:
    return payload if isinstance(payload, QrisPayload) else parse(payload)


def amount_of(payload: str | QrisPayload) -> int:
    """The amount in tag 54 as whole rupiah. Raises :class:`QrisError` when there is none (static QR)."""
    parsed = _as_payload(payload)
    amount = parsed.amount
    if amount is None:
        raise QrisError("payload has no amount (tag 54): it is a static QR", tag="54")
    return amount


def is_dynamic(payload: str | QrisPayload) -> bool:
    """True for a one-transaction QR (tag 01 = 12)."""
    return _as_payload(payload).is_dynamic


def merchant_name(payload: str | QrisPayload) -> str:
    return _as_payload(payload).merchant_name


def expect_dynamic(payload: str | QrisPayload, amount: int) -> QrisPayload:
    """Check a gateway's QR before showing it: valid, dynamic, rupiah, for exactly ``amount`` and
    with no tip or convenience fee (tags 55-57).

    A QR that parses but is static, in another currency, for another amount or with a fee would let
    the shopper pay the wrong sum, so each is refused with its own message.
    """
    parsed = _as_payload(payload)
    if not parsed.is_dynamic:
        raise QrisError("QR is static (tag 01 = 11); a sale needs a dynamic QR", tag="01")
    if parsed.currency != CURRENCY_IDR:
        raise QrisError(f"QR currency is {parsed.currency!r}, expected {CURRENCY_IDR} (IDR)", tag="53")
    got = amount_of(parsed)
    if got != amount:
        raise QrisError(f"QR amount is {got}, expected {amount}", tag="54")
    for tag, what in (("55", "a tip or convenience fee indicator"), ("56", "a fixed convenience fee"),
                      ("57", "a percentage convenience fee")):
        # Any of these lets the shopper's app ask for more than the order: never shown for a sale.
        if tag in parsed:
            raise QrisError(f"QR carries {what} (tag {tag}); a sale's QR must ask for exactly the order's amount",
                            tag=tag)
    return parsed


def _check_text(field: str, value: str, max_len: int, *, min_len: int = 1) -> str:
    if not isinstance(value, str):
        raise QrisError(f"{field} must be a string, got {type(value).__name__}")
    if not min_len <= len(value) <= max_len:
        raise QrisError(f"{field} must be {min_len}-{max_len} characters, got {len(value)}: {value!r}")
    # Keep to printable ASCII (the EMV common character set) so characters and bytes agree:
    # EMV lengths count characters, the CRC counts bytes.
    if not (value.isascii() and value.isprintable()):  # i.e. only 0x20-0x7E
        raise QrisError(f"{field} must be printable ASCII, got {value!r}")
    return value


def encode(fields: Mapping[str, Value]) -> str:
    """Serialise tags (str values or sub-tag mappings) in ascending id order and append the CRC.

    Any ``"63"`` entry is ignored: the CRC is always recomputed.
    """
    parts: list[str] = []
    for tag in sorted(fields):
        if tag == "63":
            continue
        if not (len(tag) == 2 and tag.isascii() and tag.isdigit()):
            raise QrisError(f"tag id {tag!r} is not two digits")
        value = fields[tag]
        if isinstance(value, Mapping):
            bad = [sub for sub in value if not (len(sub) == 2 and sub.isascii() and sub.isdigit())]
            if bad:
                raise QrisError(f"sub-tag id {bad[0]!r} of tag {tag} is not two digits")
            value = "".join(
                f"{sub}{len(_check_text(f'tag {tag}/{sub}', v, 99)):02d}{v}" for sub, v in sorted(value.items()))
        _check_text(f"tag {tag}", value, 99)
        parts.append(f"{tag}{len(value):02d}{value}")
    body = "".join(parts) + "6304"
    return body + crc16(body)


@dataclass(frozen=True)
class QrisMerchant:
    """What a merchant's QRIS registration fixes: who gets paid. The amount varies per sale.

    ``guid``/``pan``/``merchant_id``/``criteria`` fill the PJSP template (tag 26), ``nmid`` the
    national repository template (tag 51).
    """

    name: str  # tag 59, at most 25 characters
    city: str  # tag 60, at most 15 characters
    guid: str  # 26/00, reverse domain of the PJSP, e.g. "ID.CO.QRIS.WWW", "COM.GO-JEK.WWW"
    pan: str  # 26/01, 16-19 digits starting with the PJSP's 9360xxxx NNS
    merchant_id: str  # 26/02, the merchant id at the PJSP
    nmid: str  # 51/02, national merchant id, e.g. "ID1020017611473"
    criteria: str = "UMI"  # 26/03 and 51/03: UMI, UKE, UME, UBE, URE, PSO, BLU
    mcc: str = "5499"  # tag 52, ISO 18245 merchant category
    postal_code: str | None = None  # tag 61
    repository_guid: str = "ID.CO.QRIS.WWW"  # 51/00


def build(
    merchant: QrisMerchant,
    amount: int,
    *,
    bill_number: str | None = None,
    reference_label: str | None = None,
    terminal_label: str | None = None,
) -> str:
    """Emit a DYNAMIC QRIS payload for ``amount`` whole rupiah, validated strictly.

    ``bill_number``/``reference_label``/``terminal_label`` go to tag 62 sub-tags 01/05/07 (each
    at most 25 characters; omitted when ``None``, never emitted empty).
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise QrisError(f"amount must be an int of rupiah, got {type(amount).__name__}")
    if not 0 < amount <= _MAX_AMOUNT:
        raise QrisError(f"amount must be 1..{_MAX_AMOUNT} rupiah, got {amount}")
    m = merchant
    if not (m.pan.isascii() and m.pan.isdigit() and 16 <= len(m.pan) <= 19):
        raise QrisError(f"merchant PAN must be 16-19 digits, got {m.pan!r}")
    if not (m.mcc.isascii() and m.mcc.isdigit() and len(m.mcc) == 4):
        raise QrisError(f"MCC must be 4 digits, got {m.mcc!r}")
    if m.criteria not in _MERCHANT_CRITERIA:
        raise QrisError(f"merchant criteria must be one of {sorted(_MERCHANT_CRITERIA)}, got {m.criteria!r}")
    fields: dict[str, Value] = {
        "00": "01",
        "01": DYNAMIC,
        "26": {"00": _check_text("guid", m.guid, 32), "01": m.pan,
               "02": _check_text("merchant_id", m.merchant_id, 15), "03": m.criteria},
        "51": {"00": _check_text("repository_guid", m.repository_guid, 32),
               "02": _check_text("nmid", m.nmid, 15), "03": m.criteria},
        "52": m.mcc,
        "53": CURRENCY_IDR,
        "54": str(amount),
        "58": "ID",
        "59": _check_text("merchant name", m.name, 25),
        "60": _check_text("merchant city", m.city, 15),
    }
    if m.postal_code is not None:
        fields["61"] = _check_text("postal code", m.postal_code, 10)
    extra = {sub: _check_text(name, value, 25) for sub, name, value in (
        ("01", "bill number", bill_number), ("05", "reference label", reference_label),
        ("07", "terminal label", terminal_label)) if value is not None}
    if extra:
        fields["62"] = extra
    return encode(fields)

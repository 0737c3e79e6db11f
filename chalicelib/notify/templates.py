"""Messages to shoppers, in Bahasa Indonesia, one definition per message.

Each template has named parameters in a fixed order. WhatsApp needs pre-approved templates whose body
variables are positional (``{{1}}``, ``{{2}}``...): register each one at Meta under :attr:`Template.name`,
language ``id``, with :meth:`Template.whatsapp_body` as its body. SMS gets the short text instead
(aim: one 160-character segment with a typical link).

Other areas queue messages by these names: :data:`RECEIPT_LINK`, :data:`ACTIVATION_LINK`,
:data:`BOOK_ORDER_PAYMENT`, :data:`BOOK_ORDER_PAID`, :data:`BOOK_ORDER_EXPIRED`,
:data:`BOOK_ORDER_CANCELLED`, :data:`AWB_NOTIFICATION`, :data:`REFUND`, :data:`REFUND_NO_POINTS`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

RECEIPT_LINK = "sambung_struk_digital"
ACTIVATION_LINK = "sambung_aktivasi_akun"
BOOK_ORDER_PAYMENT = "sambung_instruksi_bayar"
AWB_NOTIFICATION = "sambung_nomor_resi"
REFUND = "sambung_pengembalian_dana"  # a refund or void that is done, with the refund receipt's link
REFUND_NO_POINTS = "sambung_pengembalian_dana_umum"  # the same, to a chat customer (no points to speak of)
# A chat order's customer hears how the order ends: paid (the transfer found), expired, cancelled.
BOOK_ORDER_PAID = "sambung_pembayaran_diterima"
BOOK_ORDER_EXPIRED = "sambung_pesanan_kedaluwarsa"
BOOK_ORDER_CANCELLED = "sambung_pesanan_dibatalkan"

LANGUAGE = "id"
MAX_PARAM_CHARS = 500


class TemplateError(ValueError):
    """A message was queued with an unknown template or missing parameters: a programming error."""


@dataclass(frozen=True)
class Template:
    name: str
    params: tuple[str, ...]
    text: str  # WhatsApp body and the dev provider's text, with {param} placeholders
    sms: str  # short SMS text

    def whatsapp_body(self) -> str:
        """The body to register at Meta: each ``{param}`` becomes ``{{n}}`` in parameter order."""
        body = self.text
        for i, p in enumerate(self.params, 1):
            body = body.replace("{" + p + "}", "{{" + str(i) + "}}")
        return body


TEMPLATES: dict[str, Template] = {t.name: t for t in (
    Template(
        RECEIPT_LINK, ("name", "store", "order_no", "amount", "receipt_url", "points", "balance"),
        "Halo {name}, terima kasih sudah berbelanja di {store}. Pembayaran pesanan {order_no} sebesar {amount} "
        "sudah kami terima. Struk digital Anda: {receipt_url} . Poin dari belanja ini: {points}; total poin Anda "
        "sekarang {balance}.",
        "{store}: pesanan {order_no} {amount} lunas. Struk: {receipt_url} Poin +{points}, total {balance}.",
    ),
    Template(
        ACTIVATION_LINK, ("name", "merchant", "link", "expires"),
        "Halo {name}, akun belanja online Anda di {merchant} siap diaktifkan. Dengan akun aktif, poin dan "
        "riwayat belanja Anda bisa dipakai juga saat belanja online. Aktifkan di sini: {link} . Tautan ini "
        "hanya untuk Anda, berlaku sampai {expires} dan hanya bisa dipakai sekali.",
        "{merchant}: aktifkan akun online Anda: {link} (s/d {expires})",
    ),
    Template(
        BOOK_ORDER_PAYMENT, ("name", "store", "order_no", "amount", "bank", "account_no", "account_holder", "deadline"),
        "Halo {name}, pesanan {order_no} di {store} sudah kami siapkan. Mohon transfer TEPAT {amount} "
        "(tiga digit terakhir adalah kode unik, jangan dibulatkan) ke {bank} {account_no} a.n. {account_holder} "
        "sebelum {deadline}. Lewat batas waktu, pesanan otomatis dibatalkan dan stok dilepas.",
        "{store}: transfer TEPAT {amount} ke {bank} {account_no} a.n. {account_holder} sblm {deadline} "
        "utk pesanan {order_no}.",
    ),
    Template(
        BOOK_ORDER_PAID, ("name", "store", "order_no", "amount"),
        "Halo {name}, transfer {amount} untuk pesanan {order_no} di {store} sudah kami terima. Terima kasih! "
        "Pesanan Anda segera kami proses.",
        "{store}: transfer {amount} utk pesanan {order_no} sudah diterima. Terima kasih!",
    ),
    Template(
        BOOK_ORDER_EXPIRED, ("name", "store", "order_no", "amount"),
        "Halo {name}, batas waktu pembayaran pesanan {order_no} di {store} ({amount}) sudah lewat, jadi pesanan "
        "dibatalkan otomatis. Bila Anda sudah transfer, balas pesan ini: kami cek dan bantu.",
        "{store}: pesanan {order_no} ({amount}) dibatalkan otomatis, batas bayar lewat. Sudah transfer? Balas pesan ini.",
    ),
    Template(
        BOOK_ORDER_CANCELLED, ("name", "store", "order_no", "amount", "refund"),
        "Halo {name}, pesanan {order_no} di {store} ({amount}) sudah dibatalkan. {refund}",
        "{store}: pesanan {order_no} ({amount}) dibatalkan. {refund}",
    ),
    Template(
        AWB_NOTIFICATION, ("name", "store", "order_no", "courier", "awb", "tracking_url"),
        "Halo {name}, pesanan {order_no} dari {store} sudah dikirim lewat {courier}. Nomor resi: {awb}. "
        "Lacak paket Anda di {tracking_url} .",
        "{store}: pesanan {order_no} dikirim {courier}, resi {awb}. Lacak: {tracking_url}",
    ),
    Template(
        # ``balance`` may read "-3 (terutang 3 poin)": points taken back that had already been used.
        REFUND, ("name", "refund_no", "order_no", "store", "amount", "receipt_url", "points", "balance"),
        "Halo {name}, pengembalian dana {refund_no} atas pesanan {order_no} di {store} sebesar {amount} sudah "
        "kami proses. Struk pengembalian Anda: {receipt_url} . Poin yang ditarik kembali: {points}; total poin "
        "Anda sekarang {balance}. Terima kasih.",
        "{store}: {amount} dikembalikan ({refund_no}). Struk: {receipt_url} Poin -{points}, sisa {balance}",
    ),
    Template(
        REFUND_NO_POINTS, ("name", "refund_no", "order_no", "store", "amount", "receipt_url"),
        "Halo {name}, pengembalian dana {refund_no} atas pesanan {order_no} di {store} sebesar {amount} sudah "
        "kami proses. Struk pengembalian Anda: {receipt_url} . Terima kasih.",
        "{store}: {amount} dikembalikan ({refund_no}). Struk: {receipt_url}",
    ),
)}


def get(name: str) -> Template:
    try:
        return TEMPLATES[name]
    except KeyError:
        raise TemplateError(f"unknown message template {name!r}") from None


def _clean(value) -> str:
    # WhatsApp refuses template parameters with new lines, tabs or more than four spaces in a row.
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text[:MAX_PARAM_CHARS]


def ordered_params(name: str, params: dict) -> list[str]:
    """The parameter values in the template's order, cleaned; every parameter must be given, nothing else."""
    t = get(name)
    missing = [p for p in t.params if p not in params or params[p] is None or _clean(params[p]) == ""]
    extra = sorted(set(params) - set(t.params))
    if missing or extra:
        raise TemplateError(f"template {name}: missing {missing}, unknown {extra}")
    return [_clean(params[p]) for p in t.params]


def render(name: str, params: dict, *, sms: bool = False) -> str:
    t = get(name)
    values = dict(zip(t.params, ordered_params(name, params)))
    return (t.sms if sms else t.text).format(**values)

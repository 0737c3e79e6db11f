"""Realistic documents of one store on 23 November 2026 (a Monday), shared by the tests.

Plain builders rather than fixtures: tests vary them with ``dataclasses.replace``."""
from __future__ import annotations

from chalicelib.documents import (
    BANK_TRANSFER,
    CASH,
    QRIS,
    BankAccount,
    CashMovement,
    LabelData,
    MethodTotal,
    OrderSlipData,
    Party,
    ReceiptData,
    ReceiptLine,
    ShiftReportData,
    SlipLine,
)

MIDNIGHT_UTC = 1_795_392_000  # 2026-11-23T00:00:00Z = 07:00 WIB
AT_1405_WIB = MIDNIGHT_UTC + 7 * 3600 + 5 * 60
LONG_NAME = "Kemeja Batik Tulis Parang Barong Lengan Panjang Pria Ukuran XL Warna Coklat Sogan Edisi Terbatas"
RECEIPT_URL = "https://sambung.id/r/01JD8ZK3Q4W5E6R7T8Y9U0IOPA-x7Kq9"


def sample_receipt() -> ReceiptData:
    return ReceiptData(
        merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang",
        store_address="Jl. Kemang Raya No. 12, Mampang Prapatan, Jakarta Selatan 12730",
        store_phone="+62217194455", cashier_name="Siti Rahmawati", order_number="S-20261123-0042",
        paid_at=AT_1405_WIB,
        items=[ReceiptLine(LONG_NAME, 1, 350_000), ReceiptLine("Kaos Polos Hitam L", 2, 75_000, 140_000),
               ReceiptLine("Tas Anyaman \U0001F338 Pandan", 1, 125_000)],
        subtotal=615_000, discount=15_000, total=600_000, payment_method=QRIS, payment_issuer="GoPay",
        shopper_phone="+6281234567890", points_earned=60, points_balance=1_250, receipt_url=RECEIPT_URL,
    )


def sample_slip() -> OrderSlipData:
    return OrderSlipData(
        merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang", order_number="B-20261123-0007",
        created_at=AT_1405_WIB,
        items=[SlipLine("KMJ-PRG-XL", LONG_NAME, 1, 350_000, barcode="8991234567890"),
               SlipLine("KP-HTM-L", "Kaos Polos Hitam L", 2, 75_000)],
        customer_name="Dewi Lestari", customer_phone="+6281398765432",
        shipping_address="Jl. Melati No. 5 RT 03/RW 07, Kel. Sukajadi, Kec. Sukajadi\nKota Bandung, Jawa Barat 40162",
        channel="WhatsApp", bank_account=BankAccount("BCA", "123 456 7890", "PT Sekar Jagad Nusantara"),
        pay_by=AT_1405_WIB + 2 * 3600, unique_code=123, shipping_fee=18_000, courier="JNE REG", cs_name="Rina",
    )


SENDER = Party("Toko Batik Sekar Jagad", "+6281111222333",
               "Jl. Kemang Raya No. 12, Mampang Prapatan, Jakarta Selatan, DKI Jakarta 12730")
RECIPIENT = Party("Dewi Lestari", "+6281398765432",
                  "Jl. Melati No. 5 RT 03/RW 07, Kel. Sukajadi, Kec. Sukajadi\nKota Bandung, Jawa Barat 40162")


def sample_label() -> LabelData:
    return LabelData(order_number="B-20261123-0007", sender=SENDER, recipient=RECIPIENT, courier="JNE",
                     service="REG", weight_grams=1_200, awb="SOCAG00183235715", cod_amount=518_123,
                     contents="1x Kemeja Batik Parang XL, 2x Kaos Polos Hitam L")


def sample_shift() -> ShiftReportData:
    return ShiftReportData(
        merchant_name="Toko Batik Sekar Jagad", store_name="Cabang Kemang", cashier_name="Siti Rahmawati",
        opened_at=MIDNIGHT_UTC + 3600, closed_at=MIDNIGHT_UTC + 9 * 3600, opening_float=500_000,
        sales=[MethodTotal(CASH, 1_200_000, 12), MethodTotal(QRIS, 300_000, 5, "GoPay"),
               MethodTotal(QRIS, 450_000, 4, "OVO"), MethodTotal(BANK_TRANSFER, 150_000, 1)],
        cash_movements=[CashMovement(MIDNIGHT_UTC + 3 * 3600, 200_000, "Tambah uang kecil dari brankas"),
                        CashMovement(MIDNIGHT_UTC + 5 * 3600, -20_000, "Beli es batu")],
        counted_cash=1_875_000, note="Uang Rp5.000 terselip, sudah dicari", approved_by="Budi (Admin)",
        approved_at=MIDNIGHT_UTC + 9 * 3600 + 120, shift_code="SH-0012",
    )

"""Drives the back office like a person at a back-office tablet: pair it with a code from the admin,
sign in with a PIN, move between sections with the menu."""
from __future__ import annotations

# Every section in menu order: (id, label, page path). The id is the section's `data-section`.
SECTIONS = [
    ("stok", "Cek Stok", "/backoffice/#stok"),
    ("drop", "Drop Order", "/backoffice/#drop"),
    ("pesan", "Book Order", "/backoffice/#pesan"),
    ("keputusan", "Keputusan Pembayaran", "/backoffice/#keputusan"),
    ("penjualan", "Riwayat Penjualan", "/backoffice/#penjualan"),
    ("mutasi", "Mutasi Bank", "/reconciliation/"),
    ("kirim", "Pengiriman", "/shipping/"),
    ("laporan", "Laporan", "/reports/"),
    ("kasir", "Tutup Kasir", "/reports/shift.html"),
    ("printer", "Printer", "/printing/"),
    ("staf", "Staf", "/backoffice/#staf"),  # admins only
]
# What each role finds in the menu (the server checks the same roles on every call).
MENU = {
    "admin": [s[0] for s in SECTIONS],
    "cs": [s[0] for s in SECTIONS if s[0] != "staf"],
    "warehouse": ["stok", "drop", "kirim"],
    "cashier": ["stok", "keputusan", "penjualan", "kasir", "printer"],
}


def staff_of(stack, role: str) -> dict:
    """The demo person with this role (the back office's seed has one of each; Sari is the cashier)."""
    return next(s for s in stack.state["staff"] if s["role"] == role)


def pair(page, stack, http, admin_auth, path: str = "/backoffice/") -> None:
    """Opens a back-office page on an unpaired tablet and pairs it with a fresh code."""
    status, code, _ = http.post("/api/devices/pairing-codes", {"kind": "backoffice"}, auth=admin_auth)
    assert status == 201, code
    page.goto(stack.url + path)
    page.fill("#pair-code", code["code"])
    page.get_by_role("button", name="Pasangkan").click()


def enter_pin(page, staff_id: str, pin: str) -> None:
    page.wait_for_selector(f"#login-staff option[value='{staff_id}']", state="attached")
    page.select_option("#login-staff", staff_id)
    page.fill("#login-pin", pin)
    page.get_by_role("button", name="Masuk").click()


def sign_in(page, stack, http, admin_auth, staff_id: str, pin: str, path: str = "/backoffice/") -> None:
    """Pair this browser as a back-office tablet with a fresh code, then sign in with a PIN."""
    pair(page, stack, http, admin_auth, path)
    enter_pin(page, staff_id, pin)


def wait_section(page, section_id: str) -> None:
    """The section is mounted and has drawn its first panel."""
    page.wait_for_selector(f".view[data-section='{section_id}'] .panel")


def menu(page) -> list[str]:
    return [tab.inner_text() for tab in page.query_selector_all("#tabs .tab")]
# A supervisor (a cashier who may approve refunds and voids) finds what a cashier finds.
MENU["supervisor"] = MENU["cashier"]

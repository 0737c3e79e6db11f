"""The back-office shell every section shares: pair the tablet, sign in with a PIN, reach the other
sections by role with the same session, wrong PIN, sign out."""
from tests.browser.backoffice import sign_in


def test_backoffice_pairs_signs_in_and_reaches_reconciliation_with_the_same_session(page, stack, http, admin_auth):
    sign_in(page, stack, http, admin_auth, "u_dewi", "000000")
    page.get_by_text("PIN salah.").wait_for()

    page.fill("#login-pin", "357913")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("heading", name="Cek stok").wait_for()
    tabs = [t.inner_text() for t in page.query_selector_all("#tabs .tab")]
    assert tabs == ["Cek Stok", "Drop Order", "Book Order", "Keputusan Pembayaran", "Riwayat Penjualan", "Mutasi Bank",
                    "Pengiriman", "Laporan", "Tutup Kasir", "Printer"]

    page.get_by_role("link", name="Mutasi Bank").click()
    page.get_by_role("heading", name="Unggah mutasi rekening").wait_for()
    assert page.inner_text("#staff-name").startswith("Dewi CS")

    page.get_by_role("button", name="Keluar").click()
    page.get_by_role("heading", name="Masuk dengan PIN").wait_for()
    page.wait_for_selector("#login-staff option", state="attached")
    names = [o.inner_text() for o in page.query_selector_all("#login-staff option")]
    assert names and all("(CS)" in n or "(Admin)" in n for n in names), "reconciliation lists CS and admins only"


def test_a_warehouse_person_sees_only_warehouse_sections(page, stack, http, admin_auth):
    sign_in(page, stack, http, admin_auth, "u_agus", "468024")
    page.get_by_role("heading", name="Cek stok").wait_for()
    tabs = [t.inner_text() for t in page.query_selector_all("#tabs .tab")]
    assert tabs == ["Cek Stok", "Drop Order", "Pengiriman"]


def test_the_printing_page_signs_in_through_the_same_shell(page, stack, http, admin_auth):
    sign_in(page, stack, http, admin_auth, "u_admin", "135790")
    page.get_by_role("link", name="Printer").click()
    page.get_by_role("heading", name="Stasiun cetak").wait_for()  # admins see the stations
    page.get_by_role("heading", name="Pekerjaan cetak").wait_for()
    page.get_by_role("button", name="Keluar").click()
    page.get_by_role("heading", name="Masuk dengan PIN").wait_for()


def test_reports_and_shift_pages_sign_in_through_the_same_shell(page, stack, http, admin_auth):
    sign_in(page, stack, http, admin_auth, "u_dewi", "357913")
    page.get_by_role("link", name="Laporan").click()
    page.get_by_role("heading", name="Penjualan bersih per jam").wait_for()
    assert page.inner_text("#staff-name").startswith("Dewi CS")
    page.goto(stack.url + "/reports/shift.html")
    page.get_by_role("heading", name="Buka kasir").wait_for()
    page.get_by_role("button", name="Keluar").click()
    page.get_by_role("heading", name="Masuk dengan PIN").wait_for()

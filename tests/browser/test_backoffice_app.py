"""The back office as one app: the same page and shell at every address, a menu that reaches every
section the role may use from every page (and back), shipping signed in by the shared shell, English
on every section, downloads through the API client (an ended session brings the PIN back), errors
kept beside what failed, and a service worker that keeps every back-office page and module."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.backoffice import MENU, SECTIONS, enter_pin, menu, pair, sign_in, staff_of, wait_section
from tests.browser.test_kiosk_pwa import CACHED_URLS

KIOSK = Path(__file__).resolve().parents[2] / "kiosk_pwa"
PAGES = ["backoffice/index.html", "reconciliation/index.html", "shipping/index.html", "reports/index.html",
         "reports/shift.html", "printing/index.html"]
LABEL = {s[0]: s[1] for s in SECTIONS}
PATH = {s[0]: s[2] for s in SECTIONS}


def test_every_back_office_page_is_one_small_file_and_talks_to_the_server_through_api_js():
    pages = {path: (KIOSK / path).read_text() for path in PAGES}
    assert len(set(pages.values())) == 1, "every back-office address serves the same page; the shell draws the rest"
    assert pages["backoffice/index.html"].count("<script") == 1
    modules = [p for folder in ("backoffice", "reconciliation", "shipping", "reports", "printing")
               for p in (KIOSK / folder).rglob("*.js")]
    for path in modules:
        text = path.read_text()
        assert "fetch(" not in text, f"{path.name} calls the server past js/api.js"
        assert "sessionStorage." not in text and "localStorage." not in text, f"{path.name} keeps its own credentials"
        if path.name != "upload.js":  # the statement goes straight to S3 (a presigned POST), not to /api
            assert "XMLHttpRequest" not in text, path.name


@pytest.mark.parametrize("role", ["admin", "cs", "warehouse", "cashier"])
def test_the_menu_reaches_every_section_of_the_role_from_every_page_and_back(page, stack, http, admin_auth, role):
    person = staff_of(stack, role)
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"])
    allowed = MENU[role]
    wait_section(page, allowed[0])
    expected_links = [stack.url + PATH[s] for s in allowed]
    previous = allowed[0]
    # A tour through the menu: each section reached by a click on the page before it, with the menu on
    # every page naming every section of the role (the same links everywhere) and marking where one is.
    for section in [*allowed[1:], allowed[0]]:
        page.get_by_role("link", name=LABEL[section], exact=True).click()
        wait_section(page, section)
        assert menu(page) == [LABEL[s] for s in allowed]
        assert [a.get_attribute("href") for a in page.query_selector_all("#tabs a")] == expected_links
        assert page.locator("#tabs [aria-current='page']").inner_text() == LABEL[section]
        assert page.inner_text("#staff-name").startswith(person["name"])
        previous_section = previous
        previous = section
    # And back: the browser's back button returns to the section before.
    page.go_back()
    wait_section(page, previous_section)
    assert page.locator("#tabs [aria-current='page']").inner_text() == LABEL[previous_section]


def test_a_section_outside_the_role_says_so_and_keeps_the_menu(page, stack, http, admin_auth):
    person = staff_of(stack, "warehouse")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"])
    wait_section(page, "stok")
    page.goto(stack.url + "/reconciliation/")
    page.get_by_role("heading", name="Bukan untuk peran ini").wait_for()
    assert "Mutasi Bank hanya untuk CS dan Admin" in page.inner_text("main")
    assert menu(page) == ["Cek Stok", "Drop Order", "Pengiriman"]
    page.get_by_role("link", name="Pengiriman").click()
    wait_section(page, "kirim")


def test_shipping_pairs_and_signs_in_through_the_shared_shell(page, stack, http, admin_auth):
    person = staff_of(stack, "warehouse")
    pair(page, stack, http, admin_auth, "/shipping/")  # an unpaired tablet opened at /shipping/ is paired there
    page.wait_for_selector("#login-staff option", state="attached")
    names = [o.inner_text() for o in page.query_selector_all("#login-staff option")]
    assert names and all(re.search(r"\((CS|Gudang|Admin)\)$", n) for n in names), names  # shipping's people only
    enter_pin(page, person["staff_id"], person["pin"])
    wait_section(page, "kirim")
    page.wait_for_selector("#shipments > li")
    assert page.inner_text("#staff-name") == f"{person['name']} · Gudang"
    assert page.title() == "Pengiriman · Sambung"
    page.get_by_role("tab", name="Scan resi").click()
    page.wait_for_selector("#scan-order", state="visible")
    page.get_by_role("link", name="Cek Stok").click()  # a way back to the rest of the back office
    wait_section(page, "stok")
    page.get_by_role("link", name="Pengiriman").click()
    wait_section(page, "kirim")
    page.get_by_role("button", name="Keluar").click()
    page.get_by_role("heading", name="Masuk dengan PIN").wait_for()


def test_the_language_switch_turns_every_section_english(page, stack, http, admin_auth):
    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"])
    wait_section(page, "stok")
    assert page.locator("html").get_attribute("lang") == "id"
    page.click("#lang-button")
    page.get_by_role("heading", name="Check stock").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.inner_text("#lang-button") == "ID"
    assert menu(page) == ["Stock", "Drop Orders", "Book Orders", "Payment decisions", "Sales history", "Bank Statements",
                          "Shipping", "Reports", "Close Till", "Printers"]
    assert page.inner_text("#logout") == "Sign out"
    # Words of the Indonesian interface that must not be left on any section in English (the server's
    # own labels, e.g. statuses, stay as the server writes them).
    indonesian = re.compile(r"\b(Simpan|Belum|Tidak ada|Muat|Unggah|Cari|Keluar|Batal|Kirim|Cetak|Pilih|Semua|Jumlah|"
                            r"Catatan|Rekening|Laporan|Harian|Buka)\b")
    for section, _, path in [s for s in SECTIONS if s[0] in MENU["cs"]]:
        page.goto(stack.url + path)  # the choice is kept on the tablet
        wait_section(page, section)
        page.wait_for_timeout(300)  # lists arrive after the first panel
        text = page.inner_text("body")
        assert not indonesian.findall(text), (section, indonesian.findall(text))
        page.screenshot(path=str(Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
                                 / f"backoffice-en-{section}.png"), full_page=True)
    assert page.title() == "Printers · Sambung"
    page.click("#lang-button")
    page.get_by_role("heading", name="Stasiun cetak").wait_for(state="detached")  # cs sees jobs only
    page.get_by_role("heading", name="Pekerjaan cetak").wait_for()


def test_downloads_go_through_the_api_client_and_an_ended_session_brings_the_pin_back(page, stack, http, admin_auth):
    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/reports/")
    wait_section(page, "laporan")
    page.get_by_role("heading", name="Penjualan bersih per jam").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert Path(download.value.path()).read_text(encoding="utf-8-sig").strip()

    # The session ends on the server (signed out elsewhere, or expired) while the page still shows.
    token = page.evaluate("JSON.parse(sessionStorage.getItem('sambung.kasir.session')).token")
    status, _, _ = http.post("/api/auth/logout", {}, auth=f"Bearer {token}")
    assert status in (200, 204)
    page.get_by_role("button", name="Unduh PDF").click()
    page.get_by_role("heading", name="Masuk dengan PIN").wait_for()  # not a silent failure or a JSON file
    assert page.locator("#page .form-error").inner_text().strip()
    assert page.evaluate("sessionStorage.getItem('sambung.kasir.session')") is None
    assert page.locator("#tabs").is_hidden()
    enter_pin(page, person["staff_id"], person["pin"])
    wait_section(page, "laporan")  # back where the person was
    page.get_by_role("heading", name="Penjualan bersih per jam").wait_for()


def test_an_error_stays_beside_the_form_until_it_is_fixed(page, stack, http, admin_auth):
    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/backoffice/#drop")
    wait_section(page, "drop")
    form = page.locator("form.panel", has=page.get_by_role("heading", name="Minta barang ke gudang"))
    form.get_by_role("button", name="Kirim drop order").click()
    error = form.locator(".form-error").last
    assert error.inner_text() == "Tambahkan barang dulu."
    page.wait_for_timeout(4500)  # longer than a toast shows
    assert error.inner_text() == "Tambahkan barang dulu."
    form.get_by_role("textbox", name="Cari barang").fill(stack.state["products"][0]["sku"])
    form.get_by_role("textbox", name="Cari barang").press("Enter")
    form.locator(".line").first.wait_for()
    form.get_by_role("button", name="Kirim drop order").click()
    page.locator("#toast", has_text="dikirim ke gudang").wait_for()
    assert error.inner_text() == ""


def test_the_service_worker_keeps_the_whole_back_office_and_never_the_api(page, stack, http, admin_auth):
    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/shipping/")
    wait_section(page, "kirim")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{stack.url}/backoffice/manifest.webmanifest" and manifest["errors"] == []
    assert '"start_url": "./"' in manifest["data"]  # installed, it opens the back office, not the kiosk
    cached = page.evaluate(CACHED_URLS)
    for path in [*PAGES, "backoffice/shell.js", "backoffice/backoffice.css", "backoffice/manifest.webmanifest",
                 "shipping/shipping.js", "reconciliation/review.js", "reports/shift.js", "printing/printing.js"]:
        assert f"{stack.url}/{path}" in cached, path
    assert not [url for url in cached if "/api/" in url]

    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_section(page, "kirim")
    page.wait_for_selector("#shipments > li")
    assert not [url for url in page.evaluate(CACHED_URLS) if "/api/" in url], "API answers are never kept"
    page.context.set_offline(True)
    try:
        page.goto(stack.url + "/reports/shift.html")  # another section opens offline, from the cache
        page.get_by_role("heading", name="Offline").wait_for()
        assert "Tidak dapat terhubung ke server" in page.inner_text("main")  # the session is kept, not thrown away
    finally:
        page.context.set_offline(False)
    page.get_by_role("button", name="Coba lagi").click()
    wait_section(page, "kasir")
    assert menu(page) == [s[1] for s in SECTIONS if s[0] in MENU["cs"]]

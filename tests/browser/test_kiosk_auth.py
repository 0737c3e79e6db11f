"""Pairing, PIN sign-in (wrong PIN, lockout), the idle lock and the language switch, in Chromium."""
from __future__ import annotations

import re

from tests.browser.conftest import open_kiosk
from tests.browser.kiosk import Kiosk, touch_target_problems


def test_first_run_pairs_the_tablet_then_pin_login(page, stack):
    k = Kiosk(page, stack)
    k.open()
    page.get_by_role("heading", name="Pasangkan tablet ini").wait_for()
    page.locator("#pair-code").fill("ZZZZ2222")
    page.get_by_role("button", name="Pasangkan").tap()
    page.wait_for_selector("#pair-error:text('Kode pairing tidak dikenal.')")
    k.shot("screen-pair")
    assert touch_target_problems(page) == []

    page.locator("#pair-code").fill(stack.state["pairing_codes"]["kiosk"].lower())  # typed in lower case
    page.get_by_role("button", name="Pasangkan").tap()
    page.get_by_role("heading", name="Masuk").wait_for()
    page.wait_for_selector(".staff-button")
    assert page.locator("#store-name").text_content().endswith("Toko Demo")
    names = page.locator(".staff-button .staff-name").all_text_contents()
    assert "Sari Kasir" in names and "Agus Gudang" not in names  # warehouse staff do not sell

    k.tap(".staff-button[data-staff-id='u_sari']")
    page.get_by_role("heading", name="Halo, Sari Kasir").wait_for()
    k.enter_pin("2468")
    assert page.locator(".pin-dots .dot.filled").count() == 4
    k.shot("screen-pin")
    assert touch_target_problems(page) == []
    k.enter_pin("10")
    page.wait_for_selector("body[data-screen='shopper']")
    assert page.locator("#cashier-name").text_content() == "Sari Kasir"
    # The pairing survives a restart of the app: the next start is the PIN screen, not pairing.
    page.reload()
    page.wait_for_selector("body[data-screen='shopper']")


def wait_pin_answer(page) -> None:
    """The sixth digit sends the PIN; the screen is busy until the server answers."""
    page.wait_for_selector(".screen-login:not([aria-busy])")


def test_wrong_pin_then_lockout_messages(kiosk, http, admin_auth):
    status, body, _ = http.post("/api/staff", {"name": "Tono Uji", "role": "cashier", "pin": "864200"}, auth=admin_auth)
    assert status == 201, body
    k, page = kiosk, kiosk.page
    page.reload()
    k.tap(f".staff-button[data-staff-id='{body['staff_id']}']")
    k.enter_pin("111111")
    wait_pin_answer(page)
    page.wait_for_selector("#pin-error:text('PIN salah')")
    assert page.locator(".pin-dots .dot.filled").count() == 0  # cleared for the next try
    k.shot("screen-pin-wrong")
    for _ in range(4):  # five wrong PINs in all lock the PIN
        k.enter_pin("111111")
        wait_pin_answer(page)
    locked = page.locator("#pin-error")
    assert re.search(r"dikunci sampai pukul \d\d:\d\d WIB", locked.text_content())
    assert page.locator(".keypad .key[data-key='8']").is_disabled()  # nothing to type while locked
    k.shot("screen-pin-locked")


def test_idle_lock_returns_to_the_pin_screen_and_keeps_the_sale(browser, stack, kiosk_device):
    ctx, k = open_kiosk(browser, stack, kiosk_device)
    page = k.page
    try:
        page.clock.install()
        k.open()
        page.wait_for_selector(".staff-button")
        k.login()
        k.skip_shopper()
        k.scan(stack.state["products"][0]["barcode"])
        k.wait_cart_items(1)
        page.clock.run_for(4 * 60 * 1000)  # the store's idle_lock_minutes is 5: not yet
        assert page.locator("body").get_attribute("data-screen") == "cart"
        page.clock.run_for(70 * 1000)
        page.wait_for_selector("body[data-screen='login']")
        assert "tidak ada aktivitas" in page.locator(".notice").text_content()
        page.get_by_role("heading", name="Halo, Sari Kasir").wait_for()  # the last cashier is ready for the PIN
        k.shot("screen-idle-locked")
        k.enter_pin("246810")
        page.wait_for_selector("body[data-screen='cart']")
        k.wait_cart_items(1)
    finally:
        ctx.close()


def test_language_switch_and_visible_focus(kiosk):
    k, page = kiosk, kiosk.page
    assert page.locator("html").get_attribute("lang") == "id"
    k.tap("#lang-button")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#lang-button").text_content() == "ID"
    page.reload()  # the choice is kept on the tablet
    page.get_by_role("heading", name="Sign in").wait_for()
    k.tap(".staff-button[data-staff-id='u_sari']")
    page.get_by_role("heading", name="Hello, Sari Kasir").wait_for()
    k.shot("screen-pin-english")
    k.tap("#lang-button")
    page.get_by_role("heading", name="Halo, Sari Kasir").wait_for()

    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth")
    assert outline == "solid 3px"

"""Every main screen at 800x1280 portrait: nothing spills sideways, the main action is on screen
without scrolling, targets stay large, and each screen's screenshot is kept."""
from __future__ import annotations

from tests.browser.conftest import PORTRAIT, open_kiosk
from tests.browser.kiosk import touch_target_problems


def check(k, name: str, main_action: str) -> None:
    page = k.page
    k.shot(f"portrait-{name}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PORTRAIT["width"], name
    box = page.locator(main_action).bounding_box()
    assert box and box["y"] + box["height"] <= PORTRAIT["height"], f"{name}: {main_action} is below the fold"
    assert touch_target_problems(page) == [], name


def test_every_main_screen_in_portrait(browser, stack, kiosk_device):
    ctx, k = open_kiosk(browser, stack, kiosk_device, PORTRAIT)
    page = k.page
    kopi, teh = stack.state["products"][0], stack.state["products"][1]
    try:
        k.open()
        page.wait_for_selector(".staff-button")
        check(k, "login", ".staff-button[data-staff-id='u_sari']")
        k.tap(".staff-button[data-staff-id='u_sari']")
        check(k, "pin", ".key[data-key='0']")
        k.enter_pin("246810")
        page.wait_for_selector("body[data-screen='shopper']")
        k.enter_phone("081311112222")
        check(k, "phone", "#find-shopper")
        k.find_shopper()
        if page.locator("#new-shopper-form").count():
            page.locator("#new-shopper-name").fill("Putri")
            k.tap("#new-shopper-consent")
            check(k, "shopper-new", "#register-shopper")
            k.tap("#register-shopper")
        else:
            check(k, "shopper-existing", "#shopper-continue")
            k.tap("#shopper-continue")
        page.wait_for_selector("body[data-screen='cart']")
        k.scan(kopi["barcode"])
        k.scan(teh["barcode"])
        k.wait_cart_items(2)
        check(k, "cart", "#cart-continue")
        qr = k.lanjut()
        check(k, "payment", "#pay-cancel")
        assert k.screen_qr() == qr
        k.tap("#pay-cash")
        check(k, "payment-cash", "#confirm-cash")
        k.tap(f".quick-cash [data-amount='{kopi['price'] + teh['price']}']")  # "Uang pas"
        k.tap("#confirm-cash")
        k.wait_result("COMPLETED")
        check(k, "success", "#new-sale")
        k.tap("#new-sale")
        qr = k.quick_sale_to_qr([teh["barcode"]])
        k.sim_scan(qr, "fail")
        k.check_until("FAILED")
        check(k, "failed", "#retry")
    finally:
        ctx.close()

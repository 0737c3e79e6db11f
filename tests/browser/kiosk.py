"""Drives the cashier kiosk like a person at the tablet, and the gateway simulator like a shopper's phone."""
from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
DEVICE_KEY = "sambung.kasir.device"
SALE_KEY = "sambung.kasir.sale"


def post_json(url: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=15) as r:
        return json.loads(r.read())


def decode_qr(png: bytes) -> str:
    """What a banking app would read from the QR on screen."""
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "no QR code found in the screenshot"
    return found[0].text


def qris_amount(qr: str) -> int:
    """Tag 54 (transaction amount) of an EMVCo QRIS payload."""
    i = 0
    while i < len(qr):
        tag, length = qr[i:i + 2], int(qr[i + 2:i + 4])
        value = qr[i + 4:i + 4 + length]
        if tag == "54":
            return int(value.split(".")[0])
        i += 4 + length
    raise AssertionError("QRIS has no amount (tag 54)")


def device_init_script(device: dict) -> str:
    """Puts a paired device on the tablet before the app starts (pairing is tested on its own)."""
    return f"localStorage.setItem({json.dumps(DEVICE_KEY)}, {json.dumps(json.dumps(device))});"


class Kiosk:
    """The kiosk page plus the simulator. ``taps`` counts every tap a cashier would make."""

    def __init__(self, page, stack):
        self.page = page
        self.stack = stack
        self.sim_url = stack.state["gateway_simulator_url"]
        self.taps = 0

    # ---- the cashier's hands ----------------------------------------------------------------

    def tap(self, selector: str) -> None:
        self.page.locator(selector).tap()
        self.taps += 1

    def open(self) -> None:
        self.page.goto(self.stack.url + "/")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def login(self, staff_id: str = "u_sari", pin: str | None = None, screen: str = "shopper") -> None:
        """Signs in; `screen` is where the kiosk then goes (a sale waiting for payment is resumed)."""
        pin = pin or next(s["pin"] for s in self.stack.state["staff"] if s["staff_id"] == staff_id)
        self.tap(f".staff-button[data-staff-id='{staff_id}']")
        self.enter_pin(pin)
        self.page.wait_for_selector(f"body[data-screen='{screen}']")

    def enter_pin(self, pin: str) -> None:
        for digit in pin:
            self.tap(f".keypad .key[data-key='{digit}']")

    def enter_phone(self, digits: str) -> None:
        for digit in digits:
            self.tap(f".keypad .key[data-key='{digit}']")

    def find_shopper(self) -> None:
        self.tap("#find-shopper")
        self.page.wait_for_selector("#shopper-card, #new-shopper-form")

    def register_shopper(self, name: str) -> None:
        self.page.locator("#new-shopper-name").fill(name)
        self.tap("#new-shopper-consent")
        self.tap("#register-shopper")
        self.page.wait_for_selector("body[data-screen='cart']")

    def skip_shopper(self) -> None:
        self.tap("#skip-shopper")
        self.page.wait_for_selector("body[data-screen='cart']")

    def scan(self, barcode: str) -> None:
        """A barcode scanner: the code typed fast, then Enter (no tap)."""
        self.page.keyboard.type(barcode + "\n")

    def wait_cart_items(self, count: int) -> None:
        self.page.wait_for_function(
            "n => [...document.querySelectorAll('.cart-line .qty-value')].reduce((s, e) => s + Number(e.textContent), 0) === n",
            arg=count)

    def lanjut(self) -> str:
        """Taps "Lanjut" and waits for the QR; returns the QR payload the page drew."""
        self.tap("#cart-continue")
        self.page.wait_for_selector("#qris svg")
        return self.page.get_attribute("#qris", "data-qr")

    def pay_cash_from_cart(self) -> dict:
        """Taps "Bayar Tunai": a cash sale (no QR) and the cash screen; returns the order."""
        self.tap("#cart-cash")
        self.page.wait_for_selector("body[data-screen='payment'] #cash-received")
        return self.order()

    def take_cash(self, amount: int) -> None:
        """On the cash screen: a quick amount (or typed on the keypad), then "Terima tunai"."""
        quick = self.page.locator(f".quick-cash [data-amount='{amount}']")
        if quick.count():
            self.tap(f".quick-cash [data-amount='{amount}']")
        else:
            for digit in str(amount):
                self.tap(f".pay-left .key[data-key='{digit}']")
        self.tap("#confirm-cash")

    def screen_qr(self) -> str:
        return decode_qr(self.page.locator("#qris svg").screenshot())

    def order(self) -> dict:
        return self.page.evaluate(f"JSON.parse(sessionStorage.getItem({json.dumps(SALE_KEY)})).order")

    def wait_result(self, status: str, timeout: float = 15000) -> None:
        """Waits for the page's own polling (every 4 s) to reach the result screen."""
        self.page.wait_for_selector(f".screen-result[data-status='{status}']", timeout=timeout)

    def check_until(self, status: str) -> None:
        """What a cashier does when the shopper says "sudah bayar": tap "Cek Status Pembayaran"."""
        self.page.locator("#check-status").tap()
        self.wait_result(status)

    def quick_sale_to_qr(self, barcodes: list[str]) -> str:
        """Skip the shopper, scan, Lanjut: the shortest way to a QR on screen."""
        self.skip_shopper()
        for code in barcodes:
            self.scan(code)
        self.wait_cart_items(len(barcodes))
        return self.lanjut()

    # ---- the shopper's phone (the gateway simulator) -------------------------------------

    def sim_scan(self, qr: str, action: str = "pay", **options) -> dict:
        status, body = post_json(self.sim_url + "/sim/scan", {"qr_string": qr, "action": action, **options})
        assert status == 200, body
        return body

    def sim_pay(self, gateway_ref: str, **options) -> dict:
        """Pays a charge by its gateway ref (``<order_id>-<attempt>``); ``amount=1``: the payer's app paid
        another sum than the QR's (the gateway's status API then says so)."""
        status, body = post_json(f"{self.sim_url}/sim/transactions/{gateway_ref}/pay", options)
        assert status == 200, body
        return body

    def sim_deliveries(self, gateway_ref: str) -> list[dict]:
        """Every notification the simulator tried to deliver for one charge, with its outcome."""
        return [d for d in get_json(self.sim_url + "/sim/deliveries")["deliveries"] if d["order_id"] == gateway_ref]

    def sim_replay(self, gateway_ref: str, statuses: list[str]) -> dict:
        status, body = post_json(f"{self.sim_url}/sim/transactions/{gateway_ref}/replay", {"statuses": statuses})
        assert status == 200, body
        return body

    def sim_transactions(self, order_id: str) -> list[dict]:
        """The simulator's charges for one order (its gateway refs are ``<order_id>-<attempt>``)."""
        return [tx for tx in get_json(self.sim_url + "/sim/transactions")["transactions"]
                if tx["order_id"].rpartition("-")[0] == order_id]


def touch_target_problems(page) -> list[str]:
    """Visible controls smaller than 48 px (keypad keys: 64 px), or without a name a screen reader can read."""
    return page.evaluate("""() => {
        const problems = [];
        for (const el of document.querySelectorAll('button, input, a[href], select, textarea')) {
            const r = el.getBoundingClientRect();
            if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
            const min = el.classList.contains('key') ? 64 : 48;
            const name = el.getAttribute('aria-label') || el.textContent.trim() || (el.labels && el.labels.length && el.labels[0].textContent.trim())
                || el.getAttribute('aria-labelledby') || el.placeholder;
            const hitbox = el.type === 'checkbox' && el.labels && el.labels.length ? el.labels[0].getBoundingClientRect() : r;
            if (Math.min(hitbox.width, hitbox.height) < min) problems.push(`${el.outerHTML.slice(0, 80)} is ${Math.round(hitbox.width)}x${Math.round(hitbox.height)}`);
            if (!name) problems.push(`${el.outerHTML.slice(0, 80)} has no accessible name`);
        }
        return problems;
    }""")


# ---- sales history, refunds and approvals (additions for the history screens) --------------------

def open_sale_from_history(kiosk: Kiosk, order_no: str) -> None:
    """From the start screen: "Riwayat penjualan", search the order number, open the sale."""
    kiosk.tap("#open-history")
    kiosk.page.wait_for_selector("body[data-screen='history'] #history-search")
    kiosk.page.locator("#history-search").fill(order_no)
    row = kiosk.page.locator(".history-row", has_text=order_no)
    row.wait_for()
    kiosk.tap(f".history-row[data-order='{row.get_attribute('data-order')}'] .history-card")
    kiosk.page.wait_for_selector("body[data-screen='sale'] #sale-lines")


def approve(kiosk: Kiosk, staff_id: str, pin: str) -> None:
    """In the approval dialog: the approver taps their name and types their PIN."""
    kiosk.page.wait_for_selector(f"#approval-dialog .staff-button[data-approver-id='{staff_id}']")
    kiosk.tap(f"#approval-dialog .staff-button[data-approver-id='{staff_id}']")
    for digit in pin:
        kiosk.tap(f"#approval-dialog .keypad .key[data-key='{digit}']")

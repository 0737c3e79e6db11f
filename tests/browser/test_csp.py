"""The Content-Security-Policy in Chromium (issue 15, part 7): the main pages work under it with not
one violation. Every page is watched from before its first script (``securitypolicyviolation``
events) and on the console ("Refused to ..."): the kiosk through a sale to its QR, the shopper's
receipt and its PDF, the activation page through activating, every back-office section and view
(a statement upload included: its progress bar and the POST to S3), and the local message log."""
from __future__ import annotations

import re
import time
import uuid

from tests.browser.backoffice import SECTIONS, sign_in, staff_of, wait_section
from tests.browser.conftest import cancel_pending_sales, new_context, open_kiosk
from tests.browser.test_receipt_page import completed_cash_sale
from tests.helpers import wait_until

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile || document.URL}:${e.lineNumber}`));
"""
CSP_CONSOLE = re.compile(r"Content Security Policy|Refused to (load|execute|apply|connect|frame|run)", re.I)


class Watch:
    """Collects CSP violations of every page of one browser context."""

    def __init__(self, ctx):
        self.console: list[str] = []
        ctx.add_init_script(WATCH)
        ctx.on("console", lambda msg: self.console.append(msg.text) if CSP_CONSOLE.search(msg.text) else None)

    def violations(self, *pages) -> list[str]:
        found = list(self.console)
        for page in pages:
            found += page.evaluate("window.__cspViolations || []")
        return found


def assert_enforced(response) -> None:
    """The policy is enforced (not report-only) on the page's own answer, and allows no inline script."""
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, csp
    assert response.headers.get("x-content-type-options") == "nosniff"


def test_the_watch_sees_a_violation_and_the_policy_stops_inline_script(browser, stack):
    ctx = new_context(browser)
    watch = Watch(ctx)
    try:
        page = ctx.new_page()
        assert_enforced(page.goto(stack.url + "/"))
        page.evaluate("""() => {
            const s = document.createElement("script");
            s.textContent = "window.__inlineRan = true";
            document.head.append(s);
            document.body.setAttribute("style", "outline: 5px solid red");
        }""")
        page.wait_for_function("() => window.__cspViolations.length >= 2")
        assert page.evaluate("window.__inlineRan") is None, "the inline script must not run"
        found = " | ".join(watch.violations(page))
        assert "script-src-elem blocked inline" in found and "style-src-attr blocked inline" in found, found
    finally:
        ctx.close()


def test_the_kiosk_from_pin_to_qr_without_a_violation(browser, stack, kiosk_device):
    ctx, kiosk = open_kiosk(browser, stack, kiosk_device)
    watch = Watch(ctx)
    try:
        assert_enforced(kiosk.page.goto(stack.url + "/"))
        kiosk.page.wait_for_selector(".staff-button")
        kiosk.login()
        qr = kiosk.quick_sale_to_qr([stack.state["products"][0]["barcode"]])
        assert qr and kiosk.screen_qr() == qr  # the QR is drawn (an SVG built in script), and it reads
        kiosk.page.locator("#lang-button").tap()  # the other language: i18n files fetched and applied
        # Playwright polls string *expressions* with eval, which this very policy refuses: functions only.
        kiosk.page.wait_for_function("() => document.documentElement.lang === 'en'")
        assert kiosk.page.evaluate("async () => (await navigator.serviceWorker.ready).active.scriptURL").endswith("/sw.js")
        assert watch.violations(kiosk.page) == []
    finally:
        ctx.close()
        cancel_pending_sales(stack, kiosk_device)


def _new_shopper_sale(http, cashier_auth) -> tuple[str, dict]:
    phone = "0858" + f"{time.time_ns() // 1000 % 10 ** 8:08d}"
    status, shopper, _ = http.post("/api/shoppers", {"phone": phone, "name": "Dewi", "consent": True},
                                   auth=cashier_auth, headers={"Idempotency-Key": f"csp-{uuid.uuid4()}"})
    assert status in (200, 201), shopper
    return phone, completed_cash_sale(http, cashier_auth, shopper["shopper_id"])


def test_the_receipt_page_and_its_pdf_without_a_violation(browser, stack, http, cashier_auth):
    _, order = _new_shopper_sale(http, cashier_auth)
    ctx = new_context(browser, {"width": 390, "height": 844})
    watch = Watch(ctx)
    try:
        page = ctx.new_page()
        assert_enforced(page.goto(f"{stack.url}/receipt.html#{order['receipt_token']}"))
        page.wait_for_selector(".items .item")
        with ctx.expect_page() as opened:
            page.locator("#receipt-pdf").click()
        pdf = opened.value
        pdf.wait_for_load_state()
        pdf.wait_for_timeout(1000)  # the viewer draws the pages: any refusal is logged by then
        assert watch.violations(page) == []
    finally:
        ctx.close()


def test_the_activation_page_through_activating_without_a_violation(browser, stack, http, cashier_auth):
    phone, _ = _new_shopper_sale(http, cashier_auth)

    def activation_link():
        _, body, _ = http.get("/api/dev/messages?limit=200")
        for message in body["messages"]:
            if message["to"].endswith(phone[-4:]):
                found = re.search(r"https?://\S+/activate\.html#\S+", message["text"])
                if found:
                    return found.group(0)
        return None

    link = wait_until(activation_link, timeout=20, step=0.3, what="the activation message")
    ctx = new_context(browser, {"width": 390, "height": 844})
    watch = Watch(ctx)
    try:
        page = ctx.new_page()
        assert_enforced(page.goto(link))
        page.get_by_role("button", name="Aktifkan Akun").click()
        page.wait_for_selector("#view.good")
        assert watch.violations(page) == []
        # The local message log, a page of its own, shows that shopper's messages.
        assert_enforced(page.goto(stack.url + "/dev-messages.html"))
        page.wait_for_selector("article a[href*='/activate.html']")
        assert watch.violations(page) == []
    finally:
        ctx.close()


RECON_VIEWS = ["impor", "cek", "usulan", "dibayar", "riwayat", "format"]


def test_every_back_office_section_and_a_statement_upload_without_a_violation(browser, stack, http, admin_auth,
                                                                             tmp_path):
    ctx = new_context(browser)
    watch = Watch(ctx)
    try:
        page = ctx.new_page()
        admin = staff_of(stack, "admin")
        sign_in(page, stack, http, admin_auth, admin["staff_id"], admin["pin"])
        wait_section(page, "stok")
        assert_enforced(page.reload())
        wait_section(page, "stok")
        for section, label, _ in SECTIONS[1:]:
            page.get_by_role("link", name=label, exact=True).click()
            wait_section(page, section)
        page.get_by_role("link", name="Mutasi Bank", exact=True).click()
        wait_section(page, "mutasi")
        for view in RECON_VIEWS[1:]:
            page.evaluate(f"window.location.hash = {view!r}")
            page.wait_for_function(f"() => location.hash === '#{view}'")
            page.wait_for_load_state("networkidle")
        page.evaluate("window.location.hash = 'impor'")
        # A file that is no statement: the upload (a presigned POST straight to S3) is what is watched here.
        junk = tmp_path / f"bukan-mutasi-{uuid.uuid4().hex[:6]}.csv"
        junk.write_text("bukan,mutasi\n1,2\n")
        page.set_input_files("#statement-file", str(junk))
        page.get_by_role("button", name="Unggah").click()
        page.get_by_text(f"{junk.name} terkirim").wait_for()
        page.locator("#statements").get_by_text(junk.name).first.wait_for()
        assert watch.violations(page) == []
    finally:
        ctx.close()

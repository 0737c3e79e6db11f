"""The kiosk as an installable PWA: manifest and icons, the service worker's versioned shell, opening
offline with a banner, never caching API answers, and updates that wait for the PIN screen."""
from __future__ import annotations

import importlib.util
import io
import shutil
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

from tests.browser.conftest import CHROMIUM_ARGS, LANDSCAPE, browser_executable, cancel_pending_sales, new_context
from tests.browser.kiosk import Kiosk, device_init_script

KIOSK = Path(__file__).resolve().parents[2] / "kiosk_pwa"

CACHED_URLS = """async () => {
    const urls = [];
    for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls;
}"""


WORKERS = """async () => {
    const r = await navigator.serviceWorker.getRegistration();
    const state = (w) => w && w.state;
    return {installing: state(r.installing), waiting: state(r.waiting), active: state(r.active),
            controlled: Boolean(navigator.serviceWorker.controller), screen: document.body.dataset.screen};
}"""


def stamp_module():
    spec = importlib.util.spec_from_file_location("stamp_sw", KIOSK / "stamp_sw.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wait_until_controlled(page) -> None:
    """The first visit installs the worker; the next load is the one it serves."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


BACK_OFFICE = ("backoffice", "reconciliation", "shipping", "reports", "printing")


def test_shell_lists_every_kiosk_and_back_office_file_and_its_version_is_stamped():
    stamp = stamp_module()
    text = (KIOSK / "sw.js").read_text()
    shell = stamp.shell_paths(text)
    assert all((KIOSK / path).is_file() for path in shell), "a missing file makes the worker's install fail"
    app_files = {"index.html", "styles.css", "manifest.webmanifest"}
    app_files |= {p.relative_to(KIOSK).as_posix() for pattern in ("js/**/*.js", "i18n/*.json", "vendor/*.js", "icons/*.png")
                  for p in KIOSK.glob(pattern)}
    app_files.discard("js/receipt.js")  # the shopper's receipt page is online-only, on the shopper's phone
    # The whole back office: every page, module, stylesheet and its manifest.
    back_office = {p.relative_to(KIOSK).as_posix() for folder in BACK_OFFICE for p in (KIOSK / folder).rglob("*")
                   if p.suffix in (".html", ".js", ".css", ".webmanifest")}
    assert {"backoffice/index.html", "shipping/index.html", "reports/shift.html", "shipping/shipping.js"} <= back_office
    assert app_files | back_office == set(shell)
    assert not [path for path in shell if "api/" in path]
    assert stamp.main(["--check"]) == 0, "run python3 kiosk_pwa/stamp_sw.py"


def test_manifest_icons_and_installability(browser, stack, tmp_path):
    # A persistent profile: Chromium refuses to install from an incognito-like context.
    ctx = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=browser_executable(), headless=True, args=CHROMIUM_ARGS,
        viewport=LANDSCAPE, locale="id-ID", timezone_id="Asia/Jakarta")
    try:
        page = ctx.new_page()
        page.goto(stack.url + "/")
        page.wait_for_selector("#pair-code")
        manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
        assert manifest["display"] == "fullscreen" and manifest["display_override"] == ["fullscreen", "standalone"]
        assert manifest["orientation"] == "landscape" and manifest["lang"] == "id" and manifest["start_url"] == "/"
        purposes = set()
        for icon in manifest["icons"]:
            with urllib.request.urlopen(f"{stack.url}/{icon['src']}") as r:
                assert r.headers["Content-Type"] == "image/png"
                size = Image.open(io.BytesIO(r.read())).size
            assert f"{size[0]}x{size[1]}" == icon["sizes"]
            purposes.add((icon["sizes"], icon["purpose"]))
        assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        cdp = ctx.new_cdp_session(page)
        assert cdp.send("Page.getAppManifest")["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        ctx.close()


def test_reload_offline_still_opens_with_an_offline_banner(kiosk):
    page = kiosk.page
    wait_until_controlled(page)
    page.wait_for_selector(".staff-button")
    assert page.locator("#offline-banner").is_hidden()
    page.context.set_offline(True)
    try:
        page.reload()
        page.get_by_role("heading", name="Sambung Kasir").wait_for()
        banner = page.locator("#offline-banner")
        banner.wait_for()
        assert "Tidak ada koneksi ke server" in banner.text_content()
        page.wait_for_selector(".screen-login .form-error:text('Tidak dapat terhubung ke server')")
        kiosk.shot("screen-offline")
    finally:
        page.context.set_offline(False)
    page.wait_for_selector(".staff-button")  # back online: the names load by themselves
    assert banner.is_hidden()
    cached = page.evaluate(CACHED_URLS)
    assert any(url.endswith("/js/app.js") for url in cached)
    assert not [url for url in cached if "/api/" in url]


def test_api_answers_are_never_cached(kiosk, stack):
    kiosk.login()
    kiosk.quick_sale_to_qr([stack.state["products"][0]["barcode"]])
    kiosk.tap("#check-status")
    assert not [url for url in kiosk.page.evaluate(CACHED_URLS) if "/api/" in url]


class ShellServer:
    """Serves a copy of kiosk_pwa/ that a test can change (a new release) and forwards /api to the stack."""

    def __init__(self, root: Path, api_base: str):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, headers, body):
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _api(self):
                length = int(self.headers.get("Content-Length") or 0)
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type", "idempotency-key")}
                req = urllib.request.Request(api_base + self.path, data=self.rfile.read(length) if length else None,
                                             method=self.command, headers=headers)
                try:
                    with urllib.request.urlopen(req, timeout=20) as r:
                        status, ctype, body = r.status, r.headers.get("Content-Type", ""), r.read()
                except urllib.error.HTTPError as e:
                    status, ctype, body = e.code, e.headers.get("Content-Type", ""), e.read()
                self._send(status, {"Content-Type": ctype}, body)

            def do_GET(self):
                if self.path.startswith("/api/"):
                    return self._api()
                path = self.path.split("?")[0].lstrip("/") or "index.html"
                target = server.root / path
                if not target.is_file():
                    return self._send(404, {"Content-Type": "text/plain"}, b"not found")
                ctype = {".js": "text/javascript", ".json": "application/json", ".css": "text/css", ".png": "image/png",
                         ".html": "text/html", ".webmanifest": "application/manifest+json"}.get(target.suffix, "text/plain")
                self._send(200, {"Content-Type": ctype, "Cache-Control": "no-cache"}, target.read_bytes())

            do_POST = _api

        class Server(ThreadingHTTPServer):
            request_queue_size = 64  # the worker's install fetches the whole shell at once
            daemon_threads = True

        self.root = root
        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_new_version_waits_for_the_pin_screen(browser, stack, kiosk_device, tmp_path):
    shell = tmp_path / "kiosk_pwa"
    shutil.copytree(KIOSK, shell)
    server = ShellServer(shell, stack.url)
    cancel_pending_sales(stack, kiosk_device)  # the sign-in below starts a new sale
    ctx = new_context(browser)
    ctx.add_init_script(device_init_script(kiosk_device))
    page = ctx.new_page()
    k = Kiosk(page, stack)
    try:
        page.goto(server.url + "/")
        wait_until_controlled(page)
        page.wait_for_selector(".staff-button")
        k.login()
        page.evaluate("window.sameDocument = true")

        sw = shell / "sw.js"
        sw.write_text(sw.read_text().replace('const VERSION = "', 'const VERSION = "next-'))  # a new release
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        try:
            page.wait_for_function("async () => Boolean((await navigator.serviceWorker.getRegistration()).waiting)",
                                   timeout=20000)
        except Exception as exc:
            raise AssertionError(f"no new version waiting: {page.evaluate(WORKERS)}") from exc
        page.wait_for_timeout(1000)
        # Mid-sale nothing changes under the cashier's hands.
        assert page.evaluate("window.sameDocument === true")
        assert page.locator("body").get_attribute("data-screen") == "shopper"

        k.tap("#lock-button")  # the PIN screen: now it is safe
        try:
            page.wait_for_function("window.sameDocument === undefined", timeout=20000)  # reloaded into the new version
        except Exception as exc:
            raise AssertionError(f"not reloaded at the PIN screen: {page.evaluate(WORKERS)}") from exc
        page.wait_for_selector(".staff-button")
        assert all(name.startswith("sambung-kasir-next-") for name in page.evaluate("caches.keys()"))
    finally:
        ctx.close()
        server.close()

"""Playwright for Python on Debian's Chromium at a tablet viewport, against the running local stack."""
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
LANDSCAPE = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    from tests.stack_fixture import RunningStack

    s = RunningStack(tmp_path_factory.mktemp("stack"))
    yield s
    s.stop()


def browser_executable() -> str:
    return shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=browser_executable(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_context(browser, viewport=None, **options):
    return browser.new_context(viewport=viewport or LANDSCAPE, locale="id-ID", timezone_id="Asia/Jakarta",
                               has_touch=True, **options)


@pytest.fixture
def page(browser, request):
    ctx = new_context(browser)
    pg = ctx.new_page()
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    ctx.close()


@pytest.fixture(scope="session")
def http(stack):
    from tests.e2e.webclient import Http

    return Http(stack.url)


@pytest.fixture(scope="session")
def admin_auth(stack, http):
    return http.login_as(stack.state, "admin")


@pytest.fixture(scope="session")
def new_pairing_code(http, admin_auth):
    """Pairing codes are single-use: each caller gets a fresh one from the admin API."""
    def make() -> str:
        status, body, _ = http.post("/api/devices/pairing-codes", {"kind": "kiosk"}, auth=admin_auth)
        assert status == 201, body
        return body["code"]

    return make


@pytest.fixture(scope="session")
def kiosk_device(http, new_pairing_code):
    """One paired kiosk for the session; tests that are not about pairing start at the PIN screen."""
    status, body, _ = http.post("/api/devices/pair", {"code": new_pairing_code(), "name": "Kasir uji"})
    assert status == 201, body
    return body


@pytest.fixture
def cashier_auth(stack, http, kiosk_device):
    return http.login(kiosk_device["device_token"], "u_sari", next(s["pin"] for s in stack.state["staff"] if s["staff_id"] == "u_sari"))


def cancel_pending_sales(stack, device) -> None:
    """Cancels the device's sales still waiting for payment: the kiosk resumes those when a cashier
    signs in, and a test starts at a new sale unless it is about resuming one."""
    from tests.e2e.webclient import Http

    if not device or "device_token" not in device:
        return
    http = Http(stack.url)
    person = next(s for s in stack.state["staff"] if s["staff_id"] == "u_sari")
    auth = http.login(device["device_token"], person["staff_id"], person["pin"])
    status, body, _ = http.get("/api/sales/pending?device=mine", auth=auth)
    assert status == 200, body
    for order in body["orders"]:
        status, answer, _ = http.post(f"/api/sales/{order['order_id']}/cancel", auth=auth)
        assert status == 200, answer
    http.post("/api/auth/logout", auth=auth)


def open_kiosk(browser, stack, device, viewport=None, **options):
    from tests.browser.kiosk import Kiosk, device_init_script

    cancel_pending_sales(stack, device)
    ctx = new_context(browser, viewport, **options)
    ctx.add_init_script(device_init_script(device))
    kiosk = Kiosk(ctx.new_page(), stack)
    return ctx, kiosk


@pytest.fixture
def kiosk(browser, stack, kiosk_device, request):
    """The kiosk on a paired tablet at 1280x800, opened at the PIN screen."""
    ctx, k = open_kiosk(browser, stack, kiosk_device)
    k.open()
    k.page.wait_for_selector(".staff-button")
    yield k
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    k.page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    ctx.close()

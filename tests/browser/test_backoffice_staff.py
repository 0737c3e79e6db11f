"""Staf, the back office's sign-in security for admins: a cashier locked by five wrong PINs on a
device shows as "Terkunci sampai HH:MM" in the store's zone (not the tablet's); "Buka kunci" lifts the
lock and the cashier can sign in there again; "Akhiri sesi" (after a confirm) ends that person's
sessions on every device while the admin goes on; an error stays beside the list until an attempt
works. "Akhiri semua sesi" warns that everyone, the admin included, must sign in again, and then the
shell's own "session ended" handling brings the PIN form; that runs on a stack of its own, since it
ends the sessions the rest of the suite shares."""
from __future__ import annotations

import json
import re

import pytest

from chalicelib.core.clock import format_wib
from tests.browser.backoffice import enter_pin, menu, sign_in, staff_of, wait_section
from tests.browser.conftest import ARTIFACTS, LANDSCAPE, new_context
from tests.browser.kiosk import touch_target_problems
from tests.browser.test_payment_decisions import both_viewports

CASHIER = "u_budi"  # the second cashier: the suite's kiosk tests sign in as Sari
WRONG_PINS = ["900001", "900002", "900003", "900004", "900005"]
ENDED = "Sesi berakhir. Silakan masuk lagi."
# Words of the Indonesian interface that must not be left on the section in English.
INDONESIAN = re.compile(r"\b(Terkunci|Buka|Akhiri|Semua|Sesi|Aktif|Peran|Muat|Anda|Belum)\b")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def staff_by_id(http, auth) -> dict:
    status, body, _ = http.get("/api/staff", auth=auth)
    assert status == 200, body
    return {s["staff_id"]: s for s in body["staff"]}


def pin_login(http, device_token: str, staff_id: str, pin: str):
    return http.post("/api/auth/login", {"staff_id": staff_id, "pin": pin}, auth=f"Device {device_token}")


def ended(http, token: str) -> bool:
    status, body, _ = http.get("/api/auth/me", auth=token)
    return status == 401 and body["error"]["code"] == "session_ended"


def alive(http, token: str) -> bool:
    return http.get("/api/auth/me", auth=token)[0] == 200


def clock_time(epoch: int, zone: str) -> str:
    """"14:05 WIB": the lock's end as the section shows it (formatClockTime's Python twin)."""
    return format_wib(epoch, zone).split(" ", 1)[1]


def test_an_admin_unlocks_a_locked_cashier_and_ends_their_sessions(browser, stack, http, admin_auth, kiosk_device):
    cashier = next(s for s in stack.state["staff"] if s["staff_id"] == CASHIER)
    device = stack.state["backoffice_device_token"]
    status, store, _ = http.get("/api/store", auth=admin_auth)
    assert status == 200, store
    zone = store["timezone"]
    status, body, _ = http.post(f"/api/staff/{CASHIER}/unlock", auth=admin_auth)  # a clean start
    assert status == 200, body

    # Five wrong PINs for the cashier on one device: locked there, even with the right PIN.
    answers = [pin_login(http, device, CASHIER, pin) for pin in WRONG_PINS]
    assert [(s, b["error"]["code"]) for s, b, _ in answers] == [(401, "wrong_pin")] * 4 + [(423, "pin_locked")]
    status, body, _ = pin_login(http, device, CASHIER, cashier["pin"])
    assert status == 423 and body["error"]["code"] == "pin_locked", body
    locked_until = staff_by_id(http, admin_auth)[CASHIER]["locked_until"]
    assert locked_until, "the lock is in the staff list"

    # A tablet in another zone than the store's: the lock's end is shown in the store's zone.
    ctx = browser.new_context(viewport=LANDSCAPE, locale="id-ID", timezone_id="America/Sao_Paulo", has_touch=True)
    try:
        page = ctx.new_page()
        admin = staff_of(stack, "admin")
        sign_in(page, stack, http, admin_auth, admin["staff_id"], admin["pin"], "/backoffice/#staf")
        wait_section(page, "staf")
        assert menu(page)[-1] == "Staf"
        assert page.locator("#tabs [aria-current='page']").inner_text() == "Staf"
        assert page.title() == "Staf · Sambung"
        card = page.locator(f".staff-person[data-staff='{CASHIER}']")
        card.wait_for()
        assert card.get_attribute("data-locked") == "true"
        assert card.locator("h3").inner_text() == cashier["name"]
        assert card.locator(".staff-role").inner_text() == "Kasir"
        assert card.locator(".staff-active").inner_text() == "Aktif"
        assert card.locator(".staff-lock").inner_text() == f"Terkunci sampai {clock_time(locked_until, zone)}"
        assert zone == "Asia/Jakarta" and card.locator(".staff-lock").inner_text().endswith(" WIB")
        # The others: their roles, nobody else locked; the admin's own card says so.
        people = page.locator(".staff-person")
        assert people.count() == len(stack.state["staff"])
        assert page.locator(".staff-person[data-locked='true']").count() == 1
        own = page.locator(f".staff-person[data-staff='{admin['staff_id']}']")
        assert own.locator("h3").inner_text() == f"{admin['name']} (Anda)"
        assert own.locator(".staff-role").inner_text() == "Admin"
        assert not own.get_by_role("button", name="Buka kunci").count()
        assert page.locator(".staff-person[data-staff='u_agus'] .staff-role").inner_text() == "Gudang"
        page.get_by_role("button", name="Akhiri semua sesi").wait_for()
        assert touch_target_problems(page) == []
        both_viewports(page, "backoffice-staff-locked", f".staff-person[data-staff='{CASHIER}'] .staff-unlock")

        # English: the same section in the other language.
        page.click("#lang-button")
        page.get_by_role("heading", name="Staff", exact=True).wait_for()
        assert card.locator(".staff-lock").inner_text() == f"Locked until {clock_time(locked_until, zone)}"
        assert card.get_by_role("button", name="Unlock").is_visible()
        assert card.locator(".staff-role").inner_text() == "Cashier"
        assert menu(page)[-1] == "Staff"
        assert not INDONESIAN.findall(page.inner_text("main")), INDONESIAN.findall(page.inner_text("main"))
        shot(page, "backoffice-staff-en")
        page.click("#lang-button")
        page.get_by_role("heading", name="Staf", exact=True).wait_for()

        # "Buka kunci": the lock is lifted, on the card at once and on the server.
        card.get_by_role("button", name="Buka kunci").click()
        page.locator("#toast", has_text=f"Kunci {cashier['name']} dibuka: dia bisa masuk lagi.").wait_for()
        page.locator(f".staff-person[data-staff='{CASHIER}'][data-locked='false']").wait_for()
        assert not card.locator(".staff-lock").count()
        assert not card.get_by_role("button", name="Buka kunci").count()
        assert staff_by_id(http, admin_auth)[CASHIER]["locked_until"] is None
        shot(page, "backoffice-staff-unlocked")

        # The cashier signs in again where the lock was, and on the kiosk too: two sessions.
        status, body, _ = pin_login(http, device, CASHIER, cashier["pin"])
        assert status == 200, body
        sessions = [f"Bearer {body['token']}", http.login(kiosk_device["device_token"], CASHIER, cashier["pin"])]
        assert all(alive(http, token) for token in sessions)

        # "Akhiri sesi" asks first; dismissed, nothing ends.
        asked = []
        page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
        card.get_by_role("button", name="Akhiri sesi").click()
        page.wait_for_timeout(300)
        assert asked == [f"Akhiri semua sesi {cashier['name']}? Dia keluar di setiap perangkat dan harus masuk lagi "
                         "dengan PIN."]
        assert all(alive(http, token) for token in sessions)

        # A failure is told beside the list and stays there until an attempt works.
        def refuse(route):
            route.fulfill(status=503, content_type="application/json",
                          body=json.dumps({"error": {"code": "unavailable", "message": "Server sedang sibuk."}}))

        page.route(f"**/api/staff/{CASHIER}/end-sessions", refuse)
        page.once("dialog", lambda d: d.accept())
        card.get_by_role("button", name="Akhiri sesi").click()
        error = page.locator(".view[data-section='staf'] .form-error")
        error.filter(has_text="Server sedang sibuk.").wait_for()
        page.unroute(f"**/api/staff/{CASHIER}/end-sessions")
        assert all(alive(http, token) for token in sessions)

        # Confirmed: every session of the cashier ends; the admin goes on.
        page.once("dialog", lambda d: d.accept())
        card.get_by_role("button", name="Akhiri sesi").click()
        page.locator("#toast", has_text=f"Sesi {cashier['name']} diakhiri: dia harus masuk lagi dengan PIN.").wait_for()
        assert all(ended(http, token) for token in sessions)
        assert error.inner_text() == ""
        assert alive(http, admin_auth)
        page.get_by_role("button", name="Muat ulang").click()
        page.wait_for_timeout(300)
        assert page.locator("#tabs").is_visible()
        assert card.locator(".staff-active").inner_text() == "Aktif"
        shot(page, "backoffice-staff-sessions-ended")

        # Ending sessions is not a lock: the cashier signs in again with the PIN.
        status, body, _ = pin_login(http, device, CASHIER, cashier["pin"])
        assert status == 200, body
        http.post("/api/auth/logout", auth=f"Bearer {body['token']}")
    finally:
        http.post(f"/api/staff/{CASHIER}/unlock", auth=admin_auth)
        ctx.close()


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory):
    """A stack of its own: ending every session of the store would end the suite's shared admin session."""
    from tests.stack_fixture import RunningStack

    s = RunningStack(tmp_path_factory.mktemp("stack-end-all"))
    yield s
    s.stop()


def test_ending_every_session_of_the_store_signs_everyone_out_the_admin_included(browser, own_stack):
    from tests.e2e.webclient import Http

    stack = own_stack
    http = Http(stack.url)
    admin_auth = http.login_as(stack.state, "admin")
    cashier = http.login_as(stack.state, "cashier")
    admin = staff_of(stack, "admin")
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        sign_in(page, stack, http, admin_auth, admin["staff_id"], admin["pin"], "/backoffice/#staf")
        wait_section(page, "staf")
        page.locator(".staff-person").first.wait_for()

        # The warning says everyone, the admin included; dismissed, nothing ends.
        asked = []
        page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
        page.get_by_role("button", name="Akhiri semua sesi").click()
        page.wait_for_timeout(300)
        assert asked == ["Akhiri sesi SEMUA staf toko ini? Semua orang, termasuk Anda sendiri, keluar di setiap "
                         "perangkat dan harus masuk lagi dengan PIN."]
        assert alive(http, cashier) and alive(http, admin_auth)
        assert page.locator(".staff-person").count() == len(stack.state["staff"])

        # Confirmed: everyone's sessions end, this admin's too: the shell asks for the PIN.
        page.once("dialog", lambda d: d.accept())
        page.get_by_role("button", name="Akhiri semua sesi").click()
        page.get_by_role("heading", name="Masuk dengan PIN").wait_for()
        assert page.locator("#page .form-error").inner_text() == ENDED
        assert page.evaluate("sessionStorage.getItem('sambung.kasir.session')") is None
        assert page.locator("#tabs").is_hidden()
        assert "Semua sesi diakhiri." in page.locator("#toast").inner_text()
        assert ended(http, cashier) and ended(http, admin_auth)
        shot(page, "backoffice-staff-all-ended")

        # Signed in again, the admin is back at Staf; devices stay paired.
        enter_pin(page, admin["staff_id"], admin["pin"])
        wait_section(page, "staf")
        page.locator(".staff-person").first.wait_for()

        # Ending one's own sessions warns that this tablet signs out too, and then it does.
        own = page.locator(f".staff-person[data-staff='{admin['staff_id']}']")
        asked.clear()
        page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
        own.get_by_role("button", name="Akhiri sesi").click()
        page.get_by_role("heading", name="Masuk dengan PIN").wait_for()
        assert asked == ["Akhiri semua sesi Anda sendiri? Anda keluar di setiap perangkat, termasuk di sini, dan harus "
                         "masuk lagi dengan PIN."]
        assert page.locator("#page .form-error").inner_text() == ENDED
        assert alive(http, http.login_as(stack.state, "cashier")), "other people sign in and go on"
    finally:
        ctx.close()


def test_staf_is_for_admins_only(page, stack, http, admin_auth):
    person = staff_of(stack, "cs")
    sign_in(page, stack, http, admin_auth, person["staff_id"], person["pin"], "/backoffice/#staf")
    page.get_by_role("heading", name="Bukan untuk peran ini").wait_for()
    assert "Staf hanya untuk Admin" in page.inner_text("main")
    assert "Staf" not in menu(page)
    status, _, _ = http.get("/api/staff", auth=http.login_as(stack.state, "cs"))
    assert status == 403

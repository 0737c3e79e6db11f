"""Attacks on sign-in through real HTTP (issue 15, part 2): racing the PIN lockout, turning it into
a lockout of the store, hammering from one device, guessing pairing codes."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

ADMIN_PIN, SARI_PIN = "135790", "246810"


def _device(demo) -> str:
    return f"Device {demo['backoffice_device_token']}"


def _pair_kiosk(http, admin) -> str:
    code = http.post("/devices/pairing-codes", {"kind": "kiosk"}, auth=admin)
    assert code.status == 201, code
    device = http.post("/devices/pair", {"code": code.json["code"], "name": "Kasir 2"})
    assert device.status == 201, device
    return f"Device {device.json['device_token']}"


def _login(http, device, staff_id, pin):
    return http.post("/auth/login", {"staff_id": staff_id, "pin": pin}, auth=device)


def test_parallel_wrong_pins_check_at_most_five_then_even_the_right_pin_is_locked(http, demo, clock):
    device = _device(demo)
    guesses = [f"{n:06d}" for n in range(900001, 900025)]  # 24 wrong PINs at once
    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(lambda pin: _login(http, device, "u_admin", pin), guesses))
    codes = [a.error_code for a in answers]
    # Each try is counted before its PIN is checked: 5 for the person on this device, 20 for the device.
    assert set(codes) <= {"wrong_pin", "pin_locked", "signin_throttled"}, codes
    assert codes.count("wrong_pin") <= 5, f"{codes.count('wrong_pin')} PINs were checked"
    assert codes.count("signin_throttled") == 4, codes
    r = _login(http, device, "u_admin", ADMIN_PIN)
    assert r.status in (423, 429), "the right PIN after the race is refused too"
    clock.advance(minutes=15, seconds=1)
    assert _login(http, device, "u_admin", ADMIN_PIN).status == 200


def test_a_lock_on_one_device_does_not_lock_the_person_out_of_another(http, demo, clock):
    admin = http.login_as(demo, "admin")
    other = _pair_kiosk(http, admin)
    for n in range(5):
        r = _login(http, _device(demo), "u_admin", f"90000{n}")
    assert r.status == 423 and r.error_code == "pin_locked"
    assert _login(http, _device(demo), "u_admin", ADMIN_PIN).status == 423
    r = _login(http, other, "u_admin", ADMIN_PIN)
    assert r.status == 200, "the attacker's device locked the admin there only"
    token = f"Bearer {r.json['token']}"
    # The admin sees the lock and lifts it.
    staff = {s["staff_id"]: s for s in http.get("/staff", auth=token).json["staff"]}
    assert staff["u_admin"]["locked_until"] == clock.now_s() + 15 * 60
    r = http.post("/staff/u_admin/unlock", auth=token)
    assert r.status == 200 and r.json["unlocked_devices"] == 1
    assert _login(http, _device(demo), "u_admin", ADMIN_PIN).status == 200


def test_a_device_with_too_many_failed_sign_ins_is_throttled_with_retry_after(http, demo, clock):
    device = _device(demo)
    for _ in range(25):  # right PINs never count
        assert _login(http, device, "u_sari", SARI_PIN).status == 200
    answers = []
    for staff_id in ("u_sari", "u_budi", "u_dewi", "u_agus"):  # 20 failures, spread so each person locks at 5
        answers += [_login(http, device, staff_id, f"00000{n}").status for n in range(1, 6)]
    assert 429 not in answers and answers.count(423) == 4
    r = _login(http, device, "u_admin", ADMIN_PIN)
    assert r.status == 429 and r.error_code == "signin_throttled", "the device waits, whoever it tries"
    retry_after = int(r.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60 and r.json["error"]["details"]["retry_after"] == retry_after
    clock.advance(seconds=retry_after)
    assert _login(http, device, "u_admin", ADMIN_PIN).status == 200


def test_pairing_codes_cannot_be_guessed(http, demo, clock):
    admin = http.login_as(demo, "admin")
    real = http.post("/devices/pairing-codes", {"kind": "kiosk"}, auth=admin).json["code"]
    for n in range(10):
        r = http.post("/devices/pair", {"code": f"ZZZZ{n:04d}", "name": "Penyusup"})
        assert r.status == 404, r
    r = http.post("/devices/pair", {"code": real, "name": "Penyusup"})
    assert r.status == 429 and r.error_code == "rate_limited" and int(r.headers["Retry-After"]) > 0
    clock.advance(minutes=10)  # the next window (the code itself has expired by now: a new one)
    fresh = http.post("/devices/pairing-codes", {"kind": "kiosk"}, auth=http.login_as(demo, "admin")).json["code"]
    r = http.post("/devices/pair", {"code": fresh, "name": "Kasir 3"})
    assert r.status == 201, r


def test_right_pairing_codes_do_not_use_up_the_allowance(http, demo):
    admin = http.login_as(demo, "admin")
    for n in range(12):
        _pair_kiosk(http, admin)


def test_public_endpoints_are_rate_limited(http, demo, clock):
    for n in range(60):
        assert http.get("/shoppers/activation/not-a-token").status == 404
    r = http.get("/shoppers/activation/not-a-token")
    assert r.status == 429 and "Retry-After" in r.headers

"""Store settings: checked strictly when an admin writes them, read leniently whatever was stored."""
from __future__ import annotations

import pytest

from chalicelib.core.errors import ValidationError
from chalicelib.staff import model
from chalicelib.staff.model import StoreSettings, check_bank_account, check_bank_accounts, check_settings

GOOD = {"bank": "BCA", "account_no": "1234567890", "holder": "PT Sambung Demo"}


@pytest.mark.parametrize("name, low, high", [
    ("payment_deadline_minutes", 5, 10_080), ("idle_lock_minutes", 1, 120), ("qris_expiry_minutes", 1, 60),
    ("hold_grace_minutes", 0, 1440), ("unique_code_cooldown_hours", 0, 720), ("loyalty_rupiah_per_point", 0, 10**8),
    ("shift_difference_allowance", 0, 10**7), ("max_sale_amount", 10_000, 10**9),
])
def test_each_whole_number_setting_has_its_range(name, low, high):
    assert check_settings({name: low}) == {name: low} and check_settings({name: high}) == {name: high}
    for bad in (low - 1, high + 1, 1e9, float(low), True, "15", None):
        with pytest.raises(ValidationError) as e:
            check_settings({name: bad})
        assert e.value.code == "invalid_setting" and e.value.details == {"field": name}


def test_messages_name_the_setting_and_its_range_in_rupiah_where_it_is_money():
    with pytest.raises(ValidationError) as e:
        check_settings({"max_sale_amount": 5})
    assert e.value.message == "Batas nilai satu transaksi harus antara Rp10.000 dan Rp1.000.000.000."
    with pytest.raises(ValidationError) as e:
        check_settings({"idle_lock_minutes": -5})
    assert e.value.message == "Kunci otomatis kasir (menit) harus antara 1 dan 120."


def test_other_parts_of_the_settings_are_left_to_their_areas():
    changes = {"shipping": {"provider": "biteship"}, "gateway": {"provider": "xendit"}, "auto_confirm_matches": True}
    assert check_settings(changes) == changes
    with pytest.raises(ValidationError):
        check_settings({"auto_confirm_matches": "yes"})
    assert check_settings({"timezone": "Asia/Makassar"})["timezone"] == "Asia/Makassar"
    for bad in ("Mars/Olympus", "../../etc/passwd", "", 7, "A" * 100):
        with pytest.raises(ValidationError):
            check_settings({"timezone": bad})


def test_a_bank_account_is_tidied():
    assert check_bank_account({"bank": " bca ", "account_no": " 0341-01-000123-45-6 ", "holder": " Toko  Contoh "}) == \
        {"bank": "BCA", "account_no": "0341-01-000123-45-6", "holder": "Toko Contoh"}
    assert check_bank_account(dict(GOOD, bank="cimb niaga"))["bank"] == "CIMB Niaga"
    assert check_bank_account(dict(GOOD, bank="Bank Nagari"))["bank"] == "Bank Nagari"  # not listed: as typed
    assert check_bank_account(dict(GOOD, account_no="123.456.7890"))["account_no"] == "123.456.7890"


@pytest.mark.parametrize("entry", [
    "1234567890", None, [GOOD], {**GOOD, "extra": 1}, {**GOOD, "bank": ""}, {**GOOD, "bank": 5},
    {**GOOD, "bank": "B" * 41}, {**GOOD, "bank": "BCA<script>"}, {**GOOD, "account_no": 1234567890},
    {**GOOD, "account_no": "12345"}, {**GOOD, "account_no": "1" * 21}, {**GOOD, "account_no": "12ab567890"},
    {**GOOD, "account_no": "-1234567890"}, {**GOOD, "account_no": "!!!"}, {k: v for k, v in GOOD.items() if k != "holder"},
    {**GOOD, "holder": "  "}, {**GOOD, "holder": "x" * 81},
])
def test_junk_accounts_are_refused(entry):
    with pytest.raises(ValidationError) as e:
        check_bank_account(entry, 3)
    assert e.value.code == "invalid_bank_account" and e.value.message.startswith("Rekening ke-3: ")


def test_the_list_of_accounts_is_bounded_and_has_no_duplicates():
    assert check_bank_accounts([]) == []
    with pytest.raises(ValidationError, match="sudah ada"):
        check_bank_accounts([GOOD, dict(GOOD, account_no="123-456-7890", holder="Lain")])
    with pytest.raises(ValidationError, match="Maksimal 20"):
        check_bank_accounts([dict(GOOD, account_no=f"12345678{i:02d}") for i in range(21)])
    with pytest.raises(ValidationError):
        check_bank_accounts({"0": GOOD})


def test_reading_never_fails_and_brings_stored_values_into_range():
    s = StoreSettings.from_dict({
        "idle_lock_minutes": -5, "payment_deadline_minutes": 0, "qris_expiry_minutes": 1e9, "hold_grace_minutes": True,
        "loyalty_rupiah_per_point": "x", "shift_difference_allowance": float("nan"), "max_sale_amount": None,
        "unique_code_cooldown_hours": float("inf"), "timezone": "Mars/Olympus", "auto_confirm_matches": "yes",
        "gateway": "midtrans", "shipping": [], "bank_accounts": [{"bank": 5, "account_no": 12345}, "junk", GOOD],
        "somebody_elses": 1})
    defaults = StoreSettings()
    assert (s.idle_lock_minutes, s.payment_deadline_minutes, s.qris_expiry_minutes) == (1, 5, 60)
    assert s.hold_grace_minutes == defaults.hold_grace_minutes
    assert s.loyalty_rupiah_per_point == defaults.loyalty_rupiah_per_point
    assert s.shift_difference_allowance == defaults.shift_difference_allowance
    assert s.unique_code_cooldown_hours == defaults.unique_code_cooldown_hours
    assert s.max_sale_amount == 50_000_000 and s.timezone == "Asia/Jakarta" and s.auto_confirm_matches is False
    assert s.gateway == {"provider": "midtrans"} and s.shipping == {}
    assert s.bank_accounts == [GOOD]
    assert StoreSettings.from_dict(None) == StoreSettings.from_dict("junk") == defaults


def test_good_stored_values_read_as_stored():
    stored = {"idle_lock_minutes": 9, "qris_expiry_minutes": 20, "timezone": "Asia/Jayapura", "max_sale_amount": 75_000_000,
              "auto_confirm_matches": True, "bank_accounts": [GOOD], "shipping": {"provider": "biteship"}}
    s = StoreSettings.from_dict(stored)
    assert (s.idle_lock_minutes, s.qris_expiry_minutes, s.timezone, s.max_sale_amount) == (9, 20, "Asia/Jayapura", 75_000_000)
    assert s.auto_confirm_matches is True and s.bank_accounts == [GOOD] and s.shipping == {"provider": "biteship"}


def test_every_range_holds_its_default():
    defaults = StoreSettings()
    for name, (low, high, _) in model.SETTING_RANGES.items():
        assert low <= getattr(defaults, name) <= high, name

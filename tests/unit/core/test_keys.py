"""Keys per purpose from versioned master keys, and PIN hashes that survive a rotation."""
from __future__ import annotations

import dataclasses
import hashlib
import hmac

import pytest

from chalicelib.core import keys
from chalicelib.core.settings import get_settings
from chalicelib.staff import pins

STRONG_1 = "k1-" + "a" * 40
STRONG_2 = "k2-" + "b" * 40


@pytest.fixture
def master(monkeypatch):
    """``master(raw, stage)``: run the keys module on these master keys in that stage."""
    base = get_settings()

    def use(raw: str, stage: str = "test"):
        monkeypatch.setattr(keys, "get_settings", lambda: dataclasses.replace(base, token_secret=raw, stage=stage))
        keys.reset()

    yield use
    keys.reset()


def test_hkdf_matches_rfc_5869_case_1():
    okm = keys.hkdf_sha256(bytes([0x0B] * 22), bytes(range(0xF0, 0xFA)), salt=bytes(range(0x0D)), length=42)
    assert okm.hex() == ("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                         "34007208d5b887185865")


def test_master_keys_parse_plain_and_versioned():
    assert keys.parse_master_keys("only-one") == {1: "only-one"}
    assert keys.parse_master_keys(" 2:new , 1:old ") == {2: "new", 1: "old"}
    for bad in ("", "2:new,old", "1:a,1:b", "0:x,1:y"):
        with pytest.raises(keys.KeyConfigError):
            keys.parse_master_keys(bad)


def test_each_purpose_and_version_has_its_own_key(master):
    master(f"2:{STRONG_2},1:{STRONG_1}")
    assert keys.current_version() == 2 and keys.versions() == [2, 1]
    derived = {(p, v): keys.key(p, v) for p in keys.PURPOSES for v in (1, 2)}
    assert len(set(derived.values())) == 6
    assert keys.key(keys.SESSION) == derived[(keys.SESSION, 2)]
    with pytest.raises(KeyError):
        keys.key(keys.SESSION, 3)
    with pytest.raises(ValueError):
        keys.key("shipping")


@pytest.mark.parametrize("raw", ["dev-only-secret-change-me-0123456789abcdef", "short",
                                 "synth-only-placeholder-never-deployed", f"2:{STRONG_2},1:tooshort"])
def test_a_real_stage_refuses_to_start_without_a_real_secret(master, raw):
    master(raw, stage="prod")
    with pytest.raises(keys.KeyConfigError, match="refuses to start"):
        keys.require_real_keys()
    master(raw, stage="local")
    keys.require_real_keys()  # the local stack may run on anything


def test_a_pin_survives_a_master_key_rotation_and_is_repeppered(master):
    master(STRONG_1, stage="prod")
    stored = pins.hash_pin("482915", keys.key(keys.PIN), keys.current_version())
    master(f"2:{STRONG_2},1:{STRONG_1}", stage="prod")  # rotation: version 2 is current

    def pepper(v):
        return keys.key(keys.PIN, v) if v in keys.versions() else None

    assert pins.check_pin("482915", stored, pepper) and not pins.check_pin("482916", stored, pepper)
    assert pins.needs_rehash(stored, keys.current_version())
    fresh = pins.hash_pin("482915", keys.key(keys.PIN), keys.current_version())
    assert fresh.startswith("scrypt$v2$") and not pins.needs_rehash(fresh, 2)
    master(f"2:{STRONG_2}", stage="prod")  # version 1 dropped: only hashes that still use it fail
    assert pins.check_pin("482915", fresh, pepper) and not pins.check_pin("482915", stored, pepper)


def test_first_release_pin_hashes_still_check(monkeypatch):
    import secrets

    monkeypatch.setitem(pins._SCRYPT, "n", 2**4)
    salt = secrets.token_bytes(16)
    legacy = "scrypt${}${}".format(salt.hex(), hashlib.scrypt(hmac.new(STRONG_1.encode(), b"482915", "sha256").digest(),
                                                              salt=salt, **pins._SCRYPT).hex())
    assert pins.version_of(legacy) == pins.LEGACY
    assert pins.check_pin("482915", legacy, lambda v: STRONG_1.encode() if v == pins.LEGACY else None)
    assert not pins.check_pin("482915", "md5$abc", lambda v: b"x")


def test_a_lambda_refuses_to_start_on_a_placeholder_but_packaging_loads(master, monkeypatch):
    master("synth-only-placeholder-never-deployed", stage="prod")
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    keys.check_at_start()  # cdk synth / chalice package load the app with a placeholder
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "sambung-prod-APIHandler")
    with pytest.raises(keys.KeyConfigError, match="refuses to start"):
        keys.check_at_start()

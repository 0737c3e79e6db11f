"""The body guard and field checks every route shares (core.web): size, nesting, text length."""
from __future__ import annotations

import json

import pytest

from chalicelib.core import web
from chalicelib.core.errors import SambungError, ValidationError
from chalicelib.core.web import F


@pytest.mark.parametrize("text, depth", [
    ("{}", 1), ("[]", 1), ('"[[[["', 0), ('{"a": [1, {"b": "]]]}}"}]}', 3), ('{"a": "\\"[[["}', 1),
    ('["\\\\", [[]]]', 3), ("[" * 40 + "]" * 40, 33), ("12", 0), ("", 0),
])
def test_json_depth_counts_brackets_outside_strings(text, depth):
    assert web.json_depth(text.encode()) == depth


def test_json_depth_stops_early_and_stays_linear_on_hostile_text():
    assert web.json_depth(b"[" * 100_000) == web.MAX_JSON_DEPTH + 1
    # unterminated strings full of escaped quotes were quadratic for a naive tokenizer
    for hostile in (b'"' + b'\\"' * 130_000, b'"\\' * 130_000, b'"[' * 130_000):
        assert web.json_depth(hostile) <= web.MAX_JSON_DEPTH + 1


def test_check_body_refuses_big_bodies_with_413_and_deep_ones_with_400():
    web.check_body(None)
    web.check_body(b"x" * web.MAX_BODY_BYTES)
    with pytest.raises(SambungError) as e:
        web.check_body(b"x" * (web.MAX_BODY_BYTES + 1))
    assert (e.value.status, e.value.code) == (413, "payload_too_large") and "256 KiB" in e.value.message
    web.check_body(("[" * 32 + "]" * 32).encode())
    with pytest.raises(ValidationError) as e:
        web.check_body(("[" * 33 + "]" * 33).encode())
    assert e.value.code == "json_too_deep"


class _Request:
    def __init__(self, raw: bytes):
        self.raw_body = raw


def test_parse_body_turns_python_recursion_into_400():
    """parse_body is also reached without the route's guard; json itself gives up near 1000 levels."""
    with pytest.raises(ValidationError) as e:
        web.parse_body(_Request(b"[" * 100_000 + b"]" * 100_000), {"a": F(str)})
    assert e.value.code == "json_too_deep"


def test_text_fields_have_a_default_maximum_and_a_field_may_set_its_own():
    fields = {"note": F(str), "code": F(str, required=False, max_len=8)}
    assert web.validate_fields({"note": "x" * web.MAX_TEXT}, fields)["note"] == "x" * web.MAX_TEXT
    with pytest.raises(ValidationError) as e:
        web.validate_fields({"note": "x" * (web.MAX_TEXT + 1)}, fields)
    assert e.value.code == "too_long" and e.value.details == {"field": "note", "max_len": web.MAX_TEXT}
    with pytest.raises(ValidationError) as e:
        web.validate_fields({"note": "ok", "code": "123456789"}, fields)
    assert "code maksimal 8 karakter" in e.value.message


def test_unknown_fields_are_named_but_not_echoed_whole():
    with pytest.raises(ValidationError) as e:
        web.validate_fields({"a": "1", "k" * 100_000: 1}, {"a": F(str)})
    assert e.value.code == "unknown_field" and len(e.value.message) < 100


def test_the_body_limit_leaves_room_for_the_largest_real_request():
    # a full cart (200 rows, the most resolve_items takes) with long barcodes is far below the limit
    cart = {"items": [{"barcode": "8991234500017", "qty": 999}] * 200, "payment_method": "QRIS"}
    assert len(json.dumps(cart)) < web.MAX_BODY_BYTES / 20

"""SNAP BI signatures against the worked example of reference/snap_bi.md §10 (computed there with
Python's cryptography and re-checked with openssl), byte for byte."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.reconciliation.snap import signing

KEYS = Path(__file__).resolve().parents[2] / "fixtures" / "snap"
PRIVATE = (KEYS / "partner_private.pem").read_text()
PUBLIC = (KEYS / "partner_public.pem").read_text()
TOKEN_SIGNATURE = (
    "XtxWb3IrGuTlnDxQSX6qFzw9eaEWDxtdUJJm0QYDV0YCnwR4aracsXefK4OENNAtdjXQrxta5nCf2vKaoO0tqcAFo+fHPRolvbfzD2J0G3Tvegvtqe"
    "/6bB8sGkW2NCdtp6sLNL8fQnF9+4w8rYMs0PeJwHy9sY5D81YsuQ5u9FDemHPp4C1HTYfpa5eYg/s9ynQrL+tE+zrwEFTnN87sEH8yYXYOCxZdZSK"
    "QoOkhOFo/7WIm7Wqe/w8TD0VLLZA821ECQDYEvO8IIGBQTQ1eP6BE6QX1T7rlSEXZBbz2D9pBBOHO/S7fa/fAw4najDFqc/b2TYf7bbQTPLb4TTNs+A==")
BODY = ('{"partnerReferenceNo":"SMB-20260302-0001","accountNo":"1234567890",'
        '"fromDateTime":"2026-03-01T00:00:00+07:00","toDateTime":"2026-03-01T23:59:59+07:00"}')
TOKEN = "SIMTOKEN0001abcdefghijklmnopqrstuvwxyz"


def test_the_token_signature_is_the_worked_example_and_verifies_with_the_public_key():
    stamp = "2026-03-02T09:15:00+07:00"
    assert signing.token_string("SAMBUNG-SIM-CLIENT-01", stamp) == "SAMBUNG-SIM-CLIENT-01|2026-03-02T09:15:00+07:00"
    assert signing.sign_token_request(PRIVATE, "SAMBUNG-SIM-CLIENT-01", stamp) == TOKEN_SIGNATURE
    assert signing.verify_token_request(PUBLIC, "SAMBUNG-SIM-CLIENT-01", stamp, TOKEN_SIGNATURE)
    assert not signing.verify_token_request(PUBLIC, "SAMBUNG-SIM-CLIENT-01", "2026-03-02T09:15:01+07:00", TOKEN_SIGNATURE)
    assert not signing.verify_token_request(PUBLIC, "SAMBUNG-SIM-CLIENT-01", stamp, "not base64!")


def test_the_transaction_signature_is_the_worked_example():
    stamp = "2026-03-02T09:15:05+07:00"
    assert signing.body_hash(BODY) == "9f1da01ce0b11705b17849677acd5b7db0c7d484b82ae3ec63a7c358bcccc789"
    text = signing.transaction_string("post", "/openapi/v1.0/bank-statement", TOKEN, BODY, stamp)
    assert text == ("POST:/openapi/v1.0/bank-statement:SIMTOKEN0001abcdefghijklmnopqrstuvwxyz:"
                    "9f1da01ce0b11705b17849677acd5b7db0c7d484b82ae3ec63a7c358bcccc789:2026-03-02T09:15:05+07:00")
    signature = signing.sign_transaction("sambung-sim-client-secret-01", "POST", "/openapi/v1.0/bank-statement", TOKEN,
                                         BODY, stamp)
    assert signature == "/SOcjnueMdniVdYGDx1/7O/Z/eapkzGqPY6Fp8hqa3WBj8A0Uamkjw66JYMfcDZI3zRuu/ZhtLqGqUmPNT5Rbw=="
    assert signing.verify_transaction("sambung-sim-client-secret-01", "POST", "/openapi/v1.0/bank-statement", TOKEN,
                                      BODY, stamp, signature)
    assert not signing.verify_transaction("another-secret", "POST", "/openapi/v1.0/bank-statement", TOKEN, BODY,
                                          stamp, signature)


def test_minify_keeps_strings_and_order_so_pretty_printed_bodies_hash_the_same_and_sorted_ones_do_not():
    pretty = json.dumps(json.loads(BODY), indent=4)
    assert signing.body_hash(pretty) == signing.body_hash(BODY)
    assert signing.body_hash(json.dumps(json.loads(BODY), sort_keys=True)).startswith("42f98d64")
    assert signing.minify('{ "name" : "Setya  Wardana", "q":"a \\" b" }') == '{"name":"Setya  Wardana","q":"a \\" b"}'
    assert signing.dumps(json.loads(BODY)) == BODY.encode()


def test_the_independent_bca_vector_hashes_as_published():
    body = ('{"partnerReferenceNo":"2020102900000000000001","accountNo":"1234567890",'
            '"fromDateTime":"2021-04-21T00:00:00+07:00","toDateTime":"2021-04-21T00:00:00+07:00"}')
    assert signing.body_hash(body) == "d1d260906070a80d0cbfee1e981c7fcbf4286357dca33a597e6573757643b205"


def test_timestamps_external_ids_and_bank_signed_answers():
    assert signing.timestamp(1_772_417_700) == "2026-03-02T09:15:00+07:00"
    assert signing.parse_timestamp("2026-03-02T02:15:00Z").timestamp() == 1_772_417_700
    with pytest.raises(ValueError):
        signing.parse_timestamp("2026-03-02T09:15:00")
    ids = {signing.external_id() for _ in range(50)}
    assert len(ids) == 50 and all(len(i) == 32 and i.isdigit() for i in ids)
    assert len(signing.external_id(9)) == 9
    answer = b'{"responseCode":"2001400","detailData":[]}'
    sig = signing.sign_asymmetric(PRIVATE, "POST", "/openapi/v1.0/bank-statement", answer, "2026-03-02T09:15:06+07:00")
    assert signing.verify_asymmetric(PUBLIC, "POST", "/openapi/v1.0/bank-statement", answer,
                                     "2026-03-02T09:15:06+07:00", sig)
    assert not signing.verify_asymmetric(PUBLIC, "POST", "/openapi/v1.0/bank-statement", answer.replace(b"[]", b"[1]"),
                                         "2026-03-02T09:15:06+07:00", sig)
    with pytest.raises(ValueError):
        signing.load_private_key("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----")

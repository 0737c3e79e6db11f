"""The SNAP BI bank simulator (its own process) is as strict as a bank: the worked example of
reference/snap_bi.md §10 is accepted byte for byte, and every broken header, signature, repeated
X-EXTERNAL-ID, unknown token or account is refused with the standard's response code."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from chalicelib.reconciliation.snap import signing
from tests.snap_bank import CHANNEL_ID, CLIENT_KEY, CLIENT_SECRET, PARTNER_ID, SnapBankProcess, private_key

TOKEN_PATH, STATEMENT_PATH = "/openapi/v1.0/access-token/b2b", "/openapi/v1.0/bank-statement"
EXAMPLE_SIGNATURE = (
    "XtxWb3IrGuTlnDxQSX6qFzw9eaEWDxtdUJJm0QYDV0YCnwR4aracsXefK4OENNAtdjXQrxta5nCf2vKaoO0tqcAFo+fHPRolvbfzD2J0G3Tvegvtqe"
    "/6bB8sGkW2NCdtp6sLNL8fQnF9+4w8rYMs0PeJwHy9sY5D81YsuQ5u9FDemHPp4C1HTYfpa5eYg/s9ynQrL+tE+zrwEFTnN87sEH8yYXYOCxZdZSK"
    "QoOkhOFo/7WIm7Wqe/w8TD0VLLZA821ECQDYEvO8IIGBQTQ1eP6BE6QX1T7rlSEXZBbz2D9pBBOHO/S7fa/fAw4najDFqc/b2TYf7bbQTPLb4TTNs+A==")


@pytest.fixture(scope="module")
def bank():
    process = SnapBankProcess().start()
    process.setup("1234567890")
    process.post("1234567890", "CREDIT", 20_000, "TRSF E-BANKING CR", "2026-03-01T10:00:00+07:00")
    yield process
    process.stop()


def send(bank, path: str, raw: bytes, headers: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(bank.url + path, data=raw, method="POST", headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as r:
            return r.status, json.loads(r.read()), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), dict(e.headers)


def token(bank, stamp="2026-03-02T09:15:00+07:00", signature=EXAMPLE_SIGNATURE, client=CLIENT_KEY, body=None):
    raw = body if body is not None else b'{"grantType":"client_credentials","additionalInfo":{}}'
    return send(bank, TOKEN_PATH, raw, {"Content-Type": "application/json", "X-TIMESTAMP": stamp,
                                        "X-CLIENT-KEY": client, "X-SIGNATURE": signature})


def statement(bank, access: str, body: dict | bytes, *, external="123456789", stamp="2026-03-02T09:15:05+07:00",
              secret=CLIENT_SECRET, sign_over: bytes | None = None, **headers):
    raw = body if isinstance(body, bytes) else signing.dumps(body)
    sent = {"Content-Type": "application/json", "Authorization": f"Bearer {access}", "X-TIMESTAMP": stamp,
            "X-SIGNATURE": signing.sign_transaction(secret, "POST", STATEMENT_PATH, access, sign_over or raw, stamp),
            "X-PARTNER-ID": PARTNER_ID, "X-EXTERNAL-ID": external, "CHANNEL-ID": CHANNEL_ID}
    sent.update({k.replace("_", "-"): v for k, v in headers.items()})
    return send(bank, STATEMENT_PATH, raw, {k: v for k, v in sent.items() if v is not None})


BODY = {"partnerReferenceNo": "SMB-20260302-0001", "accountNo": "1234567890",
        "fromDateTime": "2026-03-01T00:00:00+07:00", "toDateTime": "2026-03-01T23:59:59+07:00"}


def test_the_worked_example_token_is_accepted_and_broken_ones_are_refused(bank):
    status, answer, _ = token(bank)
    assert status == 200 and answer["responseCode"] == "2007300" and answer["expiresIn"] == "900"
    assert token(bank, stamp="2026-03-02T09:15:01+07:00")[1]["responseCode"] == "4017300"  # signed another time
    assert token(bank, client="SOMEONE-ELSE")[1]["responseCode"] == "4017300"
    assert token(bank, stamp="kemarin")[1]["responseCode"] == "4007301"
    assert token(bank, body=b'{"grantType":"password"}')[1]["responseCode"] == "4007301"
    assert token(bank, body=b'{}')[1]["responseCode"] == "4007302"


def test_a_statement_call_is_checked_header_by_header(bank):
    access = token(bank)[1]["accessToken"]
    status, answer, headers = statement(bank, access, BODY, external="100000001")
    assert status == 200 and answer["responseCode"] == "2001400", answer
    assert [r["amount"]["value"] for r in answer["detailData"]] == ["20000.00"]
    assert answer["balance"][0]["startingBalance"]["value"] == "5000000.00"
    # The bank signs its answer: it verifies with its public key over the bytes received.
    assert headers["X-SIGNATURE"] and signing.verify_asymmetric(
        bank.bank_public_key(), "POST", STATEMENT_PATH, json.dumps(answer, separators=(",", ":")).encode(),
        headers["X-TIMESTAMP"], headers["X-SIGNATURE"])

    refusals = {
        "4091400": statement(bank, access, BODY, external="100000001"),  # the same id the same day
        "4011401": statement(bank, "not-a-token", BODY, external="100000002"),
        "4011400": statement(bank, access, BODY, external="100000003", secret="wrong-secret"),
        "4001402": statement(bank, access, {k: v for k, v in BODY.items() if k != "accountNo"}, external="100000004"),
        "4041411": statement(bank, access, dict(BODY, accountNo="9999999999"), external="100000005"),
        "4001401": statement(bank, access, dict(BODY, fromDateTime="01/03/2026"), external="100000006"),
    }
    for code, (status, answer, _) in refusals.items():
        assert (status, answer["responseCode"]) == (int(code[:3]), code), (code, answer)
    # Headers: CHANNEL-ID, X-EXTERNAL-ID, X-PARTNER-ID.
    assert statement(bank, access, BODY, external="100000007", CHANNEL_ID=None)[1]["responseCode"] == "4001402"
    assert statement(bank, access, BODY, external="ABC-123")[1]["responseCode"] == "4001401"
    assert statement(bank, access, BODY, external="100000008", X_PARTNER_ID="OTHER")[1]["responseCode"] == "4011400"


def test_the_body_hash_is_over_the_minified_body_in_its_own_key_order(bank):
    access = token(bank)[1]["accessToken"]
    pretty = json.dumps(BODY, indent=2).encode()
    status, answer, _ = statement(bank, access, pretty, external="200000001")  # signed over the pretty bytes
    assert status == 200, answer
    sorted_keys = json.dumps(BODY, sort_keys=True, separators=(",", ":")).encode()
    status, answer, _ = statement(bank, access, signing.dumps(BODY), external="200000002", sign_over=sorted_keys)
    assert (status, answer["responseCode"]) == (401, "4011400")

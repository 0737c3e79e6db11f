"""Bank accounts connected by SNAP BI: our client, unchanged, against the simulator in its own process
over real HTTP; fetched rows imported like uploaded files (one row whichever way it came)."""
from __future__ import annotations

import pytest

from chalicelib.reconciliation import feeds
from chalicelib.reconciliation.repo import StatementLineRecord, StatementRecord, get_line
from chalicelib.sales.repo import get_order
from tests.integration.inventory.conftest import book, second_store  # noqa: F401 - fixture
from tests.integration.reconciliation.conftest import DEMO_BCA, bca_csv, import_file, set_settings, transfer
from tests.snap_bank import CLIENT_SECRET, SnapBankProcess, private_key

OTHER = "0123456789"  # a second account of the store (conftest.ACCOUNTS)


@pytest.fixture(scope="module")
def bank_process():
    bank = SnapBankProcess().start()
    yield bank
    bank.stop()


@pytest.fixture
def bank(bank_process, shop, clock):
    from chalicelib.reconciliation.snap.client import forget_tokens

    forget_tokens()
    bank_process.setup(DEMO_BCA)
    clock.advance(hours=3)  # 10:00 WIB on 23/11/2026
    return bank_process


def connect(api, shop, bank, account=DEMO_BCA, **overrides):
    admin = api.login_as(shop, "admin")
    r = api.call("PUT", f"/bank-accounts/{account}/snap", bank.connection(**overrides), auth=admin)
    assert r.status == 200, r
    return r.json


def fetch(api, shop, account=DEMO_BCA):
    from chalicelib.core.clock import get_clock

    get_clock().advance(seconds=5)  # "fetch now" is refused within 5 s of the last fetch
    r = api.post(f"/bank-accounts/{account}/snap/fetch", auth=api.login_as(shop, "cs"))
    assert r.status == 200, r
    return r.json


def test_connecting_keeps_the_secrets_in_ssm_only_and_the_status_never_shows_them(api, shop, bank):
    import boto3

    from chalicelib.reconciliation.feed_repo import BankFeedRecord

    view = connect(api, shop, bank)
    assert view["connected"] and view["client_secret"] == "tersimpan" and view["private_key"] == "tersimpan"
    assert view["interval_seconds"] == 30 and view["base_url"] == bank.url and view["channel_id"] == "95221"
    shown = api.get(f"/bank-accounts/{DEMO_BCA}/snap", auth=api.login_as(shop, "cs")).json
    assert CLIENT_SECRET not in str(shown) and "PRIVATE KEY" not in str(shown)
    stored = BankFeedRecord.get(shop["store_id"], DEMO_BCA)
    assert CLIENT_SECRET not in str(stored.attribute_values) and "PRIVATE KEY" not in str(stored.attribute_values)
    ssm = boto3.client("ssm")
    name = f"/sambung/test/merchants/{shop['merchant_id']}/snap/{DEMO_BCA}/client_secret"
    parameter = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    assert parameter["Type"] == "SecureString" and parameter["Value"] == CLIENT_SECRET
    assert stored.secret_params["client_secret"] == name

    test = api.post(f"/bank-accounts/{DEMO_BCA}/snap/test", auth=api.login_as(shop, "admin")).json
    assert test["ok"] and test["balance"] == 5_000_000

    # Interval changed without the secrets: they are kept.
    again = connect(api, shop, bank, client_secret=None, private_key_pem=None, interval_seconds=600)
    assert again["interval_seconds"] == 600
    assert ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"] == CLIENT_SECRET

    gone = api.call("DELETE", f"/bank-accounts/{DEMO_BCA}/snap", auth=api.login_as(shop, "admin")).json
    assert gone == {"account_no": DEMO_BCA, "bank": "BCA", "holder": "PT Sambung Demo", "connected": False}
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name=name)
    trail = api.get("/reconciliation/audit", auth=api.login_as(shop, "admin")).json["entries"]
    assert sorted(e["action"] for e in trail) == ["snap_connected", "snap_connected", "snap_disconnected"]
    replaced = sorted(tuple(e["detail"].get("secrets_replaced", ())) for e in trail if e["action"] == "snap_connected")
    assert replaced == [(), ("client_secret", "private_key_pem")]
    assert {e["actor_name"] for e in trail} == {"Rina Admin"} and CLIENT_SECRET not in str(trail)


def test_bad_connections_are_refused_and_change_nothing(api, shop, bank):
    from chalicelib.reconciliation.feed_repo import BankFeedRecord

    admin, cs = api.login_as(shop, "admin"), api.login_as(shop, "cs")
    body = bank.connection()
    assert api.call("PUT", f"/bank-accounts/{DEMO_BCA}/snap", body, auth=cs).status == 403
    for change, field in (({"base_url": "http://bank.example.com"}, "base_url"),
                          ({"base_url": "ftp://127.0.0.1/x"}, "base_url"),
                          ({"private_key_pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"},
                           "private_key_pem"),
                          ({"bank_public_key_pem": "nope"}, "bank_public_key_pem"),
                          ({"channel_id": "1"}, "channel_id"), ({"interval_seconds": 5}, "interval_seconds"),
                          ({"client_secret": None}, "client_secret")):
        r = api.call("PUT", f"/bank-accounts/{DEMO_BCA}/snap", {**body, **change}, auth=admin)
        assert r.status == 400 and r.json["error"]["details"]["field"] == field, (change, r)
    r = api.call("PUT", "/bank-accounts/9999999999/snap", body, auth=admin)
    assert r.status == 404 and r.error_code == "bank_account_unknown"
    assert BankFeedRecord.count() == 0
    assert api.post(f"/bank-accounts/{DEMO_BCA}/snap/fetch", auth=cs).error_code == "snap_not_connected"


def test_a_credit_posted_at_the_bank_pays_its_book_order_on_the_next_fetch(api, shop, bank, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    connect(api, shop, bank)
    bank.post(DEMO_BCA, "CREDIT", order["total"], transfer("WULAN SARI", order["total"]), "2026-11-23T10:01:00+07:00")
    bank.post(DEMO_BCA, "DEBIT", 6_500, "BIAYA ADM", "2026-11-23T10:02:00+07:00")
    clock.advance(minutes=5)
    clock_view = fetch(api, shop)
    result = clock_view["last_result"]
    assert result["status"] == "ok" and (result["rows"], result["new_rows"]) == (2, 2), result
    assert clock_view["last_error"] is None and clock_view["last_transaction_at"] == "2026-11-23T03:02:00Z"
    assert get_order(order["order_id"]).status == "PAID"
    (statement,) = StatementRecord.scan()
    assert (statement.status, statement.layout, statement.uploaded_by) == ("IMPORTED", "snap_bi_statement", None)
    assert statement.object_key.startswith(f"statements/{shop['store_id']}/SNAP-BCA-{DEMO_BCA}-2026-11-23-")
    # Days fetched: yesterday (nothing) and today; one token for both.
    assert result["days"] == 2 and result["token_calls"] == 1 and result["calls"] == 3

    # Nothing new: one statement call (the token is cached), nothing written.
    idle = fetch(api, shop)["last_result"]
    assert (idle["calls"], idle["token_calls"], idle["new_rows"], idle["statements"]) == (1, 0, 0, [])
    assert StatementRecord.count() == 1 and StatementLineRecord.count() == 2
    again = api.post(f"/bank-accounts/{DEMO_BCA}/snap/fetch", auth=api.login_as(shop, "cs"))
    assert again.status == 429 and again.error_code == "snap_fetched_just_now"  # pressed twice: the bank is spared


def test_a_row_fetched_and_also_uploaded_as_csv_is_one_row_both_ways(api, shop, bank):
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    rows = [("23/11/2026", transfer("WULAN SARI", order["total"]), order["total"], "CR"),
            ("23/11/2026", "BIAYA ADM", 6_500, "DB"), ("23/11/2026", transfer("BUDI", 50_000), 50_000, "CR")]
    for n, (_, text, amount, direction) in enumerate(rows):
        bank.post(DEMO_BCA, "CREDIT" if direction == "CR" else "DEBIT", amount, text, f"2026-11-23T08:0{n}:00+07:00")
    connect(api, shop, bank)
    assert fetch(api, shop)["last_result"]["new_rows"] == 3
    fetched = {r.fingerprint for r in StatementLineRecord.scan()}

    csv = import_file(shop["store_id"], bca_csv(rows))  # the KlikBCA export of the same day
    assert (csv.status, csv.rows_total, csv.rows_new) == ("IMPORTED", 3, 0), (csv.problems, csv.balance_check)
    assert {r.fingerprint for r in StatementLineRecord.scan()} == fetched

    # The other way round: a later transfer uploaded first, then fetched: still one row.
    bank.post(DEMO_BCA, "CREDIT", 75_000, transfer("SITI", 75_000), "2026-11-23T09:00:00+07:00")
    later = import_file(shop["store_id"], bca_csv(rows + [("23/11/2026", transfer("SITI", 75_000), 75_000, "CR")]))
    assert later.rows_new == 1 and later.balance_check["status"] in ("unchecked", "continuous")
    again = fetch(api, shop)["last_result"]
    assert (again["rows"], again["new_rows"], again["statements"]) == (4, 0, [])
    assert StatementLineRecord.count() == 4


def test_the_balance_chain_continues_across_days_of_fetches_and_uploads(api, shop, bank, clock):
    bank.post(DEMO_BCA, "CREDIT", 100_000, transfer("ANI", 100_000), "2026-11-22T15:00:00+07:00")
    connect(api, shop, bank)
    fetch(api, shop)
    clock.advance(days=1)
    bank.post(DEMO_BCA, "CREDIT", 40_000, transfer("ANI", 40_000), "2026-11-24T09:00:00+07:00")
    result = fetch(api, shop)["last_result"]
    assert result["new_rows"] == 1 and not result["needs_review"], result
    newest = max(StatementRecord.scan(), key=lambda s: s.created_at)
    assert newest.status == "IMPORTED" and newest.balance_check["status"] == "continuous"


def test_paging_token_expiry_rate_limits_and_5xx_are_handled(api, shop, bank):
    connect(api, shop, bank)
    for n in range(5):
        bank.post(DEMO_BCA, "CREDIT", 10_000 + n, transfer("PEMBELI", 10_000 + n), f"2026-11-23T08:1{n}:00+07:00")
    bank.configure(page_size=2, fail_next=["500", "504"])
    assert feeds.run_due() == {"fetched": 1, "failed": 0, "skipped": 0}  # the schedule retries more than "fetch now"
    result = api.get(f"/bank-accounts/{DEMO_BCA}/snap", auth=api.login_as(shop, "cs")).json["last_result"]
    # yesterday (1 page) + today (3 pages) + token + two retries
    assert (result["status"], result["new_rows"], result["retries"]) == ("ok", 5, 2), result
    assert result["calls"] == 1 + 1 + 3 + 2
    bank.configure(fail_next=["revoke_tokens"], rate_per_second=0)
    bank.post(DEMO_BCA, "CREDIT", 20_000, transfer("PEMBELI", 20_000), "2026-11-23T09:30:00+07:00")
    renewed = fetch(api, shop)["last_result"]
    assert renewed["status"] == "ok" and renewed["token_calls"] == 1 and renewed["new_rows"] == 1, renewed
    assert bank.stats().get("refused 4011401", 0) >= 1
    bank.configure(rate_per_second=1)
    limited = fetch(api, shop)["last_result"]
    assert limited["status"] == "ok" and limited["retries"] >= 1, limited
    assert any(key.startswith("refused 42914") for key in bank.stats())


@pytest.mark.parametrize("failure, kind, words", [
    ("garbage", "bad_answer", "tidak dikenali"),
    ("bad_signature", "bad_signature", "Tanda tangan pada jawaban bank"),
])
def test_a_bad_answer_is_recorded_writes_nothing_and_is_tried_again_later(api, shop, bank, clock, failure, kind, words):
    connect(api, shop, bank)
    bank.post(DEMO_BCA, "CREDIT", 10_000, transfer("PEMBELI", 10_000), "2026-11-23T08:00:00+07:00")
    bank.configure(fail_next=[failure] * 10)
    view = fetch(api, shop)
    assert view["last_error"]["kind"] == kind and words in view["last_error"]["message"], view
    assert view["last_result"]["status"] == "failed" and StatementRecord.count() == 0
    assert view["next_fetch_at"] > view["last_fetch_at"]
    bank.configure(fail_next=[])
    clock.advance(seconds=60)
    assert feeds.run_due() == {"fetched": 1, "failed": 0, "skipped": 0}
    assert StatementLineRecord.count() == 1


def test_refusals_are_explained_and_never_stop_the_other_accounts(api, shop, bank, clock):
    bank.call("POST", "/sim/accounts", {"account_no": OTHER, "client_key": "SAMBUNG-SIM-CLIENT-01"})
    connect(api, shop, bank)
    connect(api, shop, bank, account=OTHER)
    bank.post(OTHER, "CREDIT", 10_000, transfer("PEMBELI", 10_000), "2026-11-23T08:00:00+07:00")
    bank.call("POST", "/sim/reset")  # the bank forgets us: our key is unknown to it now
    bank.call("POST", "/sim/clients", {"client_key": "SAMBUNG-SIM-CLIENT-01", "client_secret": CLIENT_SECRET,
                                       "public_key_pem": bank.call("GET", "/sim/bank-public-key"),  # a wrong key
                                       "partner_id": "SAMBUNG-SIM-CLIENT-01"})
    bank.call("POST", "/sim/accounts", {"account_no": OTHER, "client_key": "SAMBUNG-SIM-CLIENT-01"})
    from chalicelib.reconciliation.snap.client import forget_tokens

    forget_tokens()
    assert feeds.run_due() == {"fetched": 0, "failed": 2, "skipped": 0}
    views = {a["account_no"]: a for a in api.get("/bank-accounts/snap", auth=api.login_as(shop, "cs")).json["accounts"]}
    error = views[DEMO_BCA]["last_error"]
    assert error["response_code"] == "4017300" and "kredensial atau tanda tangan" in error["message"]

    # Our key registered again: the demo account is unknown to the bank, the other one works.
    bank.setup(OTHER)
    forget_tokens()
    clock.advance(seconds=120)
    assert feeds.run_due() == {"fetched": 1, "failed": 1, "skipped": 0}
    views = {a["account_no"]: a for a in api.get("/bank-accounts/snap", auth=api.login_as(shop, "cs")).json["accounts"]}
    assert views[DEMO_BCA]["last_error"]["response_code"] == "4041411"
    assert "tidak mengenal rekening" in views[DEMO_BCA]["last_error"]["message"]
    assert views[OTHER]["last_error"] is None or views[OTHER]["last_result"]["status"] == "ok"

    # A revoked key: the token call is refused with its reason.
    bank.call("POST", "/sim/clients/SAMBUNG-SIM-CLIENT-01/revoke")
    forget_tokens()
    clock.advance(seconds=3600)
    feeds.run_due()
    view = api.get(f"/bank-accounts/{OTHER}/snap", auth=api.login_as(shop, "cs")).json
    assert view["last_error"]["response_code"] == "4017300" and view["failures"] == 1


def test_an_answer_with_fewer_rows_than_before_deletes_nothing(api, shop, bank):
    connect(api, shop, bank)
    for n in range(3):
        bank.post(DEMO_BCA, "CREDIT", 10_000 + n, transfer("PEMBELI", 10_000 + n), f"2026-11-23T08:0{n}:00+07:00")
    assert fetch(api, shop)["last_result"]["new_rows"] == 3
    bank.configure(fail_next=["drop_last", "drop_last"])
    result = fetch(api, shop)["last_result"]
    assert result["status"] == "ok" and result["new_rows"] == 0 and result["rows"] == 2
    assert StatementLineRecord.count() == 3


def test_rows_with_balances_from_the_bank_give_the_same_fingerprints(api, shop, bank):
    """BRI-style answers carry detailBalance per row: used as sent, the keys equal the derived ones."""
    rows = [("23/11/2026", transfer("WULAN SARI", 18_001), 18_001, "CR"), ("23/11/2026", "BIAYA ADM", 6_500, "DB")]
    for n, (_, text, amount, direction) in enumerate(rows):
        bank.post(DEMO_BCA, "CREDIT" if direction == "CR" else "DEBIT", amount, text, f"2026-11-23T08:0{n}:00+07:00")
    bank.configure(row_balances=True)
    connect(api, shop, bank)
    fetch(api, shop)
    csv = import_file(shop["store_id"], bca_csv(rows))
    assert csv.rows_new == 0 and StatementLineRecord.count() == 2
    assert get_line(shop["store_id"], next(StatementLineRecord.scan()).fingerprint) is not None


def test_the_banks_answer_vouches_for_rows_an_edited_upload_left_for_review(api, shop, bank, clock):
    set_settings(shop["store_id"], auto_confirm_matches=True)
    order = book(shop, [{"sku": "KOPI-250", "qty": 1}])
    rows = [("23/11/2026", transfer("WULAN SARI", order["total"]), order["total"], "CR")]
    broken = import_file(shop["store_id"], bca_csv(rows).replace(b"Saldo Akhir,=,", b"Saldo Akhir,=,1"))
    assert broken.status == "NEEDS_REVIEW" and get_order(order["order_id"]).status == "BOOKED"
    bank.post(DEMO_BCA, "CREDIT", order["total"], rows[0][1], "2026-11-23T10:01:00+07:00")
    clock.advance(minutes=5)
    connect(api, shop, bank)
    result = fetch(api, shop)["last_result"]
    assert (result["new_rows"], len(result["statements"])) == (0, 1), result
    assert get_order(order["order_id"]).status == "PAID" and StatementLineRecord.count() == 1


def test_the_same_client_talks_to_a_bank_with_its_own_paths_behind_a_prefix(api, shop, bank, clock):
    """Another server's layout: a base URL with a path (part of every signed path) and BRI-style paths."""
    bank.post(DEMO_BCA, "CREDIT", 10_000, transfer("PEMBELI", 10_000), "2026-11-23T08:00:00+07:00")
    view = connect(api, shop, bank, base_url=bank.url + "/gateway/bank", token_path="/snap/v1.0/access-token/b2b",
                   statement_path="/snap/v1.0/bank-statement", balance_path="/snap/v1.0/balance-inquiry")
    assert view["paths"]["statement_path"] == "/snap/v1.0/bank-statement"
    assert api.post(f"/bank-accounts/{DEMO_BCA}/snap/test", auth=api.login_as(shop, "admin")).json["ok"]
    result = fetch(api, shop)["last_result"]
    assert (result["status"], result["new_rows"]) == ("ok", 1), result
    r = api.call("PUT", f"/bank-accounts/{DEMO_BCA}/snap", bank.connection(statement_path="bank-statement"),
                 auth=api.login_as(shop, "admin"))
    assert r.status == 400 and r.json["error"]["details"]["field"] == "statement_path"


def test_an_import_the_s3_notification_started_first_is_left_to_it_and_finished(api, shop, bank, clock, monkeypatch):
    """In AWS the object's S3 notification may start the same import before the fetch does: the fetch
    says so and leaves it; the import resumes as any stalled one would, and nothing is stored twice."""
    from chalicelib.reconciliation import importer
    from chalicelib.staff import service as staff

    real = importer.import_object

    def notified_first(key, etag, size):
        importer._begin(staff.get_store(shop["store_id"]), key, etag, size)  # the other worker took the lease
        return real(key, etag, size)

    monkeypatch.setattr(importer, "import_object", notified_first)
    connect(api, shop, bank)
    bank.post(DEMO_BCA, "CREDIT", 10_000, transfer("PEMBELI", 10_000), "2026-11-23T08:00:00+07:00")
    result = fetch(api, shop)["last_result"]
    assert "masih diimpor" in result["message"] and result["new_rows"] == 0, result
    (statement,) = StatementRecord.scan()
    assert statement.status == "PROCESSING"
    monkeypatch.setattr(importer, "import_object", real)
    clock.advance(seconds=importer.LEASE_SECONDS + 1)
    assert importer.resume_stalled() == 1
    assert StatementRecord.get(statement.statement_id).status == "IMPORTED" and StatementLineRecord.count() == 1
    assert fetch(api, shop)["last_result"]["new_rows"] == 0 and StatementRecord.count() == 1


def test_another_stores_staff_never_reach_this_stores_bank_feed(api, shop, bank, second_store):
    connect(api, shop, bank)
    other = api.login_as(second_store, "cs")
    for method, path in (("GET", f"/bank-accounts/{DEMO_BCA}/snap"), ("POST", f"/bank-accounts/{DEMO_BCA}/snap/fetch")):
        r = api.call(method, path, auth=other)
        assert r.status == 404 and r.error_code == "bank_account_unknown", (path, r)
    listed = api.get("/bank-accounts/snap", auth=other).json["accounts"]
    assert [(a["account_no"], a["connected"]) for a in listed] == [("99887766", False)]
    assert api.call("GET", f"/bank-accounts/{DEMO_BCA}/snap").status == 401


def test_a_schedule_run_that_read_a_stale_index_does_not_fetch_an_account_again(api, shop, bank):
    from chalicelib.core.clock import get_clock
    from chalicelib.reconciliation import feed_repo

    connect(api, shop, bank)
    stale = feed_repo.get(shop["store_id"], DEMO_BCA)  # due, no lease: what a lagging index still says
    assert feeds.run_due() == {"fetched": 1, "failed": 0, "skipped": 0}
    assert not feeds._take(stale, get_clock().now_s())  # fetched meanwhile: not due any more
    assert bank.stats()["14"] == 2  # yesterday and today, once

"""Reconciliation fixtures: the demo store (trimmed to four products) with a receiving account for
every sample statement, statements put into moto's S3 and imported through the Lambda handler with
an AWS-shaped event, and a KlikBCA CSV builder whose balances and footer always add up."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

STATEMENTS = Path(__file__).resolve().parents[2] / "fixtures" / "statements"
DEMO_BCA = "1234567890"  # the demo store's own account (book orders default to it)
ACCOUNTS = [
    {"bank": "BCA", "account_no": DEMO_BCA, "holder": "PT Sambung Demo"},
    {"bank": "BCA", "account_no": "0123456789", "holder": "Toko Contoh"},
    {"bank": "BCA", "account_no": "0987654321", "holder": "Toko Contoh"},
    {"bank": "BCA", "account_no": "5550001111", "holder": "Toko Contoh"},
    {"bank": "BRI", "account_no": "0341-01-000123-45-6", "holder": "Toko Contoh"},
    {"bank": "Mandiri", "account_no": "137-00-1234567-8", "holder": "Toko Contoh"},
    {"bank": "BNI", "account_no": "0012345678", "holder": "Toko Contoh"},
    {"bank": "BSI", "account_no": "700-123-4567", "holder": "Toko Contoh"},
]
_sequence = itertools.count(1)


@pytest.fixture
def shop(seeded, clock):
    """The demo merchant with four products and a receiving account for every sample file, restored
    from the session's snapshot for every test."""
    from tests import seeds

    return seeded(*seeds.demo(4, then=lambda demo: set_settings(demo["store_id"], bank_accounts=ACCOUNTS),
                              then_name="reconciliation accounts"))


def set_settings(store_id: str, **changes) -> None:
    from chalicelib.staff.repo import StoreRecord

    store = StoreRecord.get(store_id)
    store.update(actions=[StoreRecord.settings.set(dict(store.settings, **changes))])


def put_statement(store_id: str, content: bytes, name: str = "mutasi.csv", key: str | None = None) -> dict:
    """Put a file under the store's statements folder as ``aws s3 cp`` would; returns its S3 facts."""
    from chalicelib.core.ids import new_id
    from chalicelib.core.settings import get_settings
    from chalicelib.core.storage import s3

    key = key or f"statements/{store_id}/{new_id()}-{name}"
    etag = s3().put_object(Bucket=get_settings().bucket, Key=key, Body=content)["ETag"]
    return {"key": key, "etag": etag.strip('"'), "size": len(content)}


def s3_event(obj: dict) -> dict:
    from chalicelib.core.settings import get_settings
    from infra.local.s3_events import object_created_event

    s = get_settings()
    return object_created_event(bucket=s.bucket, key=obj["key"], size=obj["size"], etag=obj["etag"],
                                sequencer=f"{next(_sequence):016X}", region=s.region)


def deliver(obj: dict) -> dict:
    """Invoke the import Lambda exactly as the S3 notification does."""
    from chalicelib.reconciliation.events import import_statement
    from infra.local.pump import FakeLambdaContext

    return import_statement(s3_event(obj), FakeLambdaContext("import_statement"))


def import_file(store_id: str, content: bytes, name: str = "mutasi.csv"):
    """Upload + S3 event -> the stored statement record."""
    from chalicelib.reconciliation.importer import statement_id_for
    from chalicelib.reconciliation.repo import get_statement

    obj = put_statement(store_id, content, name)
    deliver(obj)
    return get_statement(statement_id_for(obj["key"], obj["etag"]))


def fixture_bytes(name: str) -> bytes:
    return (STATEMENTS / name).read_bytes()


def bca_csv(rows: list[tuple[str, str, int, str]], *, account: str = DEMO_BCA, opening: int = 5_000_000,
            pending: list[tuple[str, int]] = ()) -> bytes:
    """A KlikBCA Individual (Indonesian) export: ``rows`` = (dd/mm/yyyy, description, amount, CR|DB)
    with running balances, PEND rows (description, amount) at the end, and a footer that adds up."""
    out = [f"No. Rekening,=,'{account}", "Nama,=,PT SAMBUNG DEMO", "Mata Uang,=,IDR", "",
           "Tanggal,Keterangan,Cabang,Jumlah,,Saldo"]
    balance, credit, debit = opening, 0, 0
    for day, text, amount, direction in rows:
        balance += amount if direction == "CR" else -amount
        credit += amount if direction == "CR" else 0
        debit += amount if direction == "DB" else 0
        out.append(f"'{day},{text},'0000,{amount}.00,{direction},{balance}.00")
    for text, amount in pending:
        out.append(f"'PEND,{text},'0000,{amount}.00,CR,")
    out += [f"Saldo Awal,=,{opening}.00", f"Kredit,=,{credit}.00", f"Debet,=,{debit}.00", f"Saldo Akhir,=,{balance}.00"]
    return ("\r\n".join(out) + "\r\n").encode()


def transfer(name: str, amount: int, ddmm: str = "2311") -> str:
    """A BCA e-banking credit description as the bank writes it (amount glued, name last)."""
    return f"TRSF E-BANKING CR {ddmm}/FTSCY/WS95031       {amount}.00                    {name}"


def post_form(url: str, fields: dict, filename: str, content: bytes) -> int:
    """Upload a file to a presigned POST the way a browser's FormData does (fields first, file last)."""
    import urllib.request
    import uuid

    boundary = uuid.uuid4().hex
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                    for k, v in fields.items())
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
             "Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status

"""Bank accounts connected by SNAP BI: connect (admins), status without secrets, test, fetch now."""
from __future__ import annotations

from ..core.lazy import lazy
from ..core.web import ADMIN, CS, Api, F, parse_body

feeds = lazy(".feeds", __package__)

bp = Api(__name__)

_PEM = 8192
_CONNECTION = {
    "base_url": F(str, max_len=300), "partner_id": F(str, max_len=128), "client_key": F(str, max_len=128),
    "client_secret": F(str, required=False, nullable=True, max_len=512),
    "channel_id": F(str, max_len=16),
    "private_key_pem": F(str, required=False, nullable=True, max_len=_PEM),
    "bank_public_key_pem": F(str, required=False, nullable=True, max_len=_PEM),
    "interval_seconds": F(int, required=False, nullable=True),
    "token_path": F(str, required=False, nullable=True, max_len=200),
    "statement_path": F(str, required=False, nullable=True, max_len=200),
    "balance_path": F(str, required=False, nullable=True, max_len=200),
}


@bp.endpoint("/bank-accounts/snap", ["GET"], roles=[CS])
def all_feeds(caller):
    """Every bank account of the store: connected by SNAP BI or not, last and next fetch, last error."""
    return feeds.statuses(caller)


@bp.endpoint("/bank-accounts/{account_no}/snap", ["GET"], roles=[CS])
def get_feed(caller, account_no):
    return feeds.status(caller, account_no)


@bp.endpoint("/bank-accounts/{account_no}/snap", ["PUT"], roles=[ADMIN])
def connect(caller, account_no):
    """``{base_url, partner_id, client_key, client_secret, channel_id, private_key_pem, bank_public_key_pem,
    interval_seconds}``: the secrets go to SSM and are never shown again; left out on a change, they are kept."""
    return feeds.connect(caller, account_no, parse_body(bp.current_request, _CONNECTION))


@bp.endpoint("/bank-accounts/{account_no}/snap", ["DELETE"], roles=[ADMIN])
def disconnect(caller, account_no):
    return feeds.disconnect(caller, account_no)


@bp.endpoint("/bank-accounts/{account_no}/snap/test", ["POST"], roles=[ADMIN])
def test(caller, account_no):
    """A fresh B2B token and the balance: ``{"ok", "balance", "message"}`` or why not."""
    return feeds.test_connection(caller, account_no)


@bp.endpoint("/bank-accounts/{account_no}/snap/fetch", ["POST"], roles=[CS])
def fetch_now(caller, account_no):
    """"Ambil mutasi sekarang": fetched and imported before the answer; 409 while one runs."""
    return feeds.fetch_now(caller, account_no)

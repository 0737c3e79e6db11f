"""A bank connection's secrets live under names the server derives per merchant and account; a name
from anywhere else is never the merchant's own."""
from __future__ import annotations

import pytest

from chalicelib.core import secrets


def test_account_secret_names_are_derived_and_only_the_merchants_own_are_accepted():
    name = secrets.account_name_for("m_demo", "1234567890", "snap/client_secret")
    assert name == "/sambung/test/merchants/m_demo/snap/1234567890/client_secret"
    assert secrets.is_own("m_demo", name)
    assert secrets.is_own("m_demo", secrets.account_name_for("m_demo", "1234567890", "snap/private_key"))
    for other in ("/sambung/test/merchants/m_other/snap/1234567890/client_secret",
                  "/sambung/test/merchants/m_demo/snap/1234567890/other",
                  "/sambung/test/merchants/m_demo/snap/../token-secret/client_secret",
                  "/sambung/test/merchants/m_demo/snap/1234567890/client_secret/x",
                  "/sambung/test/token-secret"):
        assert not secrets.is_own("m_demo", other), other
    with pytest.raises(ValueError):
        secrets.account_name_for("m_demo", "12/34", "snap/client_secret")
    with pytest.raises(ValueError):
        secrets.account_name_for("m_demo", "1234567890", "gateway/server_key")

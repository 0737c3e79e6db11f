"""Provider adapters without a network: request shapes, error mapping, channel choice."""
from __future__ import annotations

import pytest

from chalicelib.core.errors import UpstreamError
from chalicelib.notify.providers.base import NotConfigured, RecipientUnreachable
from chalicelib.notify.providers.sms import ZenzivaSmsProvider
from chalicelib.notify.providers.whatsapp import WhatsAppCloudProvider, error_for
from chalicelib.notify.service import channel_names


def test_whatsapp_template_request_shape():
    wa = WhatsAppCloudProvider(phone_number_id="1234567890", token="tok")
    body = wa.request_body("+6281234567890", "sambung_aktivasi_akun", ["Budi", "Sambung Demo"])
    assert body == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281234567890", "type": "template",
        "template": {"name": "sambung_aktivasi_akun", "language": {"code": "id"},
                     "components": [{"type": "body", "parameters": [{"type": "text", "text": "Budi"},
                                                                    {"type": "text", "text": "Sambung Demo"}]}]},
    }


def _graph_error(code, message="(#x) something", details=None):
    err = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Ab12"}
    if details:
        err["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": err}


@pytest.mark.parametrize("status,code,kind,needle", [
    (401, 190, NotConfigured, "token"),
    (403, 200, NotConfigured, "izin"),
    (400, 132001, NotConfigured, "Template WhatsApp"),
    (400, 133010, NotConfigured, "Business"),
    (400, 131026, RecipientUnreachable, "tidak bisa menerima"),
    (400, 131030, RecipientUnreachable, "tidak bisa menerima"),
    (429, 130429, UpstreamError, "membatasi"),
    (400, 131056, UpstreamError, "membatasi"),
    (500, 131000, UpstreamError, "gagal"),
])
def test_graph_errors_say_who_must_act(status, code, kind, needle):
    exc = error_for(status, _graph_error(code, details="Message undeliverable"), "sambung_struk_digital")
    assert type(exc) is kind and needle in exc.message and f"kode {code}" in exc.message


def test_throttling_and_unknown_errors_stay_retryable_not_configuration():
    for status, body in ((429, None), (502, "<html>Bad gateway</html>"), (500, {"error": "text"})):
        exc = error_for(status, body, "t")
        assert type(exc) is UpstreamError and f"HTTP {status}" in exc.message


def test_whatsapp_and_zenziva_refuse_to_start_without_credentials():
    with pytest.raises(NotConfigured):
        WhatsAppCloudProvider(phone_number_id="", token="tok")
    with pytest.raises(NotConfigured):
        ZenzivaSmsProvider(userkey="u", passkey="")


def test_zenziva_gets_indonesian_numbers_as_written_locally():
    assert ZenzivaSmsProvider.national_number("+6281234567890") == "081234567890"
    with pytest.raises(RecipientUnreachable):
        ZenzivaSmsProvider.national_number("+6591234567")


def test_channels_come_from_store_settings_then_environment(monkeypatch):
    monkeypatch.delenv("SAMBUNG_MESSAGES_PROVIDER", raising=False)
    monkeypatch.delenv("SAMBUNG_MESSAGES_FALLBACK", raising=False)
    with pytest.raises(NotConfigured):
        channel_names({})
    monkeypatch.setenv("SAMBUNG_MESSAGES_PROVIDER", "dev")
    assert channel_names({}) == ["dev"]
    assert channel_names({"provider": "whatsapp", "fallback": "sms"}) == ["whatsapp", "sms"]
    assert channel_names({"provider": "sms", "fallback": "sms"}) == ["sms"]
    with pytest.raises(NotConfigured):
        channel_names({"provider": "telegram"})
    monkeypatch.setenv("SAMBUNG_STAGE", "prod")
    with pytest.raises(NotConfigured) as e:
        channel_names({})
    assert "pengembangan lokal" in e.value.message, "a deployed store never 'sends' into a file"

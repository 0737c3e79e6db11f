"""Messages to shoppers through the outbox: queued inside the caller's transaction, delivered by a worker.

Which channel a store uses comes from its settings (``settings["messaging"]``) or, for the whole
deployment, from the environment::

    "messaging": {"provider": "whatsapp", "fallback": "sms",
                  "whatsapp": {"phone_number_id": "1234567890",
                               "token_param": "/sambung/prod/merchants/m_x/messaging/whatsapp_token"},
                  "sms": {"userkey": "abc123", "passkey_param": "/sambung/prod/merchants/m_x/messaging/zenziva_passkey"}}

Secrets are never stored in settings: only the SSM parameter names are, and a store's names are used
only when they are its merchant's own (core.secrets). Environment defaults (the deployment's own):
``SAMBUNG_MESSAGES_PROVIDER`` / ``SAMBUNG_MESSAGES_FALLBACK`` (``whatsapp``, ``sms`` or ``dev``),
``SAMBUNG_WHATSAPP_PHONE_NUMBER_ID``, ``SAMBUNG_WHATSAPP_TOKEN`` (or ``..._TOKEN_PARAM``),
``SAMBUNG_WHATSAPP_API_URL``, ``SAMBUNG_ZENZIVA_USERKEY``, ``SAMBUNG_ZENZIVA_PASSKEY`` (or ``..._PASSKEY_PARAM``),
``SAMBUNG_ZENZIVA_API_URL``.
"""
from __future__ import annotations

import os
from typing import Iterator

from ..core import outbox
from ..core import secrets as merchant_secrets
from ..core import uow as units
from ..core.observability import logger
from ..core.phone import mask_phone
from ..staff.service import get_store
from . import repo, templates
from .providers import dev
from .providers.base import MessageProvider, NotConfigured, RecipientUnreachable

MESSAGE = "message"  # the outbox kind
CHANNELS = ("whatsapp", "sms", "dev")


def queue_message(uow: units.UnitOfWork, *, effect_id: str, store_id: str, to_e164: str, template: str,
                  params: dict) -> str:
    """Add one message to the caller's unit of work; it is sent once the unit commits.

    ``effect_id`` names the effect (e.g. ``msg-receipt#<order id>``): queuing it twice fails the
    unit, and delivery is idempotent on it. A bad template or missing parameter raises
    :class:`~chalicelib.notify.templates.TemplateError` before anything is written.
    """
    templates.ordered_params(template, params)
    uow.outbox(effect_id, MESSAGE, store_id,
               {"to": to_e164, "template": template, "params": {k: str(v) for k, v in params.items()}})
    return effect_id


# ---- channels -------------------------------------------------------------------------------

def _store_messaging(store_id: str) -> tuple[dict, str]:
    """The store's messaging settings (read raw: StoreSettings keeps only the keys it models) and
    its merchant, whose secrets they may name."""
    store = get_store(store_id)
    cfg = (store.settings or {}).get("messaging")
    return (cfg if isinstance(cfg, dict) else {}), store.merchant_id


def channel_names(cfg: dict) -> list[str]:
    """Primary then fallback channel, from the store's settings or the environment; unknown names refused."""
    names = []
    for key, env in (("provider", "SAMBUNG_MESSAGES_PROVIDER"), ("fallback", "SAMBUNG_MESSAGES_FALLBACK")):
        name = cfg.get(key) or os.environ.get(env)
        if name and name not in names:
            if name not in CHANNELS:
                raise NotConfigured(f"Saluran pesan '{name}' tidak dikenal (pilih {', '.join(CHANNELS)}).")
            if name == "dev" and not dev.allowed():
                raise NotConfigured("Saluran pesan 'dev' hanya untuk pengembangan lokal; pilih whatsapp atau sms.")
            names.append(name)
    if not names:
        raise NotConfigured("Pengiriman pesan belum dikonfigurasi untuk toko ini.")
    return names


def _secret(merchant_id: str, param: str | None, env_name: str) -> str:
    """The merchant's own SSM parameter named in the store's settings, else the deployment-wide
    value or parameter (from the environment, set by whoever deploys)."""
    if param:
        return merchant_secrets.get(merchant_id, param)
    env_param = os.environ.get(f"{env_name}_PARAM")
    if env_param:
        from aws_lambda_powertools.utilities.parameters import get_parameter

        return get_parameter(env_param, decrypt=True, max_age=300)
    return os.environ.get(env_name, "")


def build_provider(name: str, cfg: dict, merchant_id: str) -> MessageProvider:
    if name == "whatsapp":
        from .providers.whatsapp import DEFAULT_API_URL, WhatsAppCloudProvider

        wa = cfg.get("whatsapp") or {}
        return WhatsAppCloudProvider(
            phone_number_id=wa.get("phone_number_id") or os.environ.get("SAMBUNG_WHATSAPP_PHONE_NUMBER_ID", ""),
            token=_secret(merchant_id, wa.get("token_param"), "SAMBUNG_WHATSAPP_TOKEN"),
            api_url=os.environ.get("SAMBUNG_WHATSAPP_API_URL") or DEFAULT_API_URL)
    if name == "sms":
        from .providers.sms import DEFAULT_API_URL, ZenzivaSmsProvider

        sms = cfg.get("sms") or {}
        return ZenzivaSmsProvider(
            userkey=sms.get("userkey") or os.environ.get("SAMBUNG_ZENZIVA_USERKEY", ""),
            passkey=_secret(merchant_id, sms.get("passkey_param"), "SAMBUNG_ZENZIVA_PASSKEY"),
            api_url=os.environ.get("SAMBUNG_ZENZIVA_API_URL") or DEFAULT_API_URL)
    return dev.DevFileProvider()


def providers_for(store_id: str) -> Iterator[MessageProvider]:
    """The store's channels in order, each built only when the previous one could not reach the shopper."""
    cfg, merchant_id = _store_messaging(store_id)
    for name in channel_names(cfg):
        yield build_provider(name, cfg, merchant_id)


# ---- delivery -------------------------------------------------------------------------------

@outbox.handler(MESSAGE)
def deliver_message(item: outbox.OutboxItem) -> dict:
    """Send one queued message. Idempotent on the effect id: a send already recorded is not repeated.

    The provider's message id is recorded right after the send; only a crash in between those two
    steps can send twice, which no provider here lets us prevent (neither takes an idempotency key).
    """
    sent = repo.get_sent(item.effect_id)
    if sent is not None:
        return sent.result()
    p = item.payload
    params = templates.ordered_params(p["template"], p["params"])
    unreachable: list[str] = []
    for provider in providers_for(item.store_id):
        text = templates.render(p["template"], p["params"], sms=provider.name == "sms")
        try:
            message_id = provider.send(p["to"], p["template"], params, text)
        except RecipientUnreachable as exc:
            logger.info("channel cannot reach shopper", extra={"effect_id": item.effect_id, "channel": provider.name,
                                                                "to": mask_phone(p["to"])})
            unreachable.append(exc.message)
            continue
        sent = repo.sent_message(item.effect_id, provider=provider.name, provider_message_id=message_id,
                                 template=p["template"], store_id=item.store_id)
        recorded, _ = units.attempt(lambda uow: repo.add_sent(uow, sent))
        # Not recorded: a redelivery that raced this one recorded its send first; the first record stays.
        return (sent if recorded else repo.get_sent(item.effect_id) or sent).result()
    raise RecipientUnreachable(" / ".join(unreachable))

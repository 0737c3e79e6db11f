"""A real HTTP front for the in-process app and the gateway simulator calling it back."""
from __future__ import annotations

import pytest

SERVER_KEY = "SB-Mid-server-TEST-0123456789"


@pytest.fixture
def payments(demo):
    import app
    from chalicelib.staff.repo import StoreRecord
    from infra.local.gateway import LocalGatewayServer
    from infra.local.gateway_sim import GatewaySimulator

    front = LocalGatewayServer(app.app, port=0).start()
    sim = GatewaySimulator(server_key=SERVER_KEY, callback_url=f"{front.url}/api/callbacks/midtrans",
                           retry_delay=0.05).start()
    store = StoreRecord.get("s_demo")
    settings = dict(store.settings, gateway={"provider": "midtrans", "base_url": sim.url, "server_key": SERVER_KEY})
    store.update(actions=[StoreRecord.settings.set(settings)])
    yield sim
    sim.stop()
    front.stop()

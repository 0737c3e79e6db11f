"""A light shop for the printing suites: two stores of different merchants, an admin and a cashier,
print stations paired through the API, and jobs submitted the way other areas submit them."""
from __future__ import annotations

import itertools
import urllib.request
from dataclasses import dataclass, field

import pytest

PDF = b"%PDF-1.4\n% a stand-in: the cloud stores and serves PDFs, it never opens them\n%%EOF\n"
_keys = itertools.count(1)


def idem() -> dict:
    return {"Idempotency-Key": f"print-{next(_keys)}"}


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@dataclass
class Shop:
    api: object
    merchant_id: str
    store_id: str
    admin: str = ""
    backoffice: str = ""
    _cashier: str = ""
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def cashier(self) -> str:
        """A cashier's session, made on first use: PIN hashing is the slow part of a shop."""
        if not self._cashier:
            from chalicelib.staff import service as staff

            staff.add_staff(self.merchant_id, self.store_id, "Sari Kasir", "cashier", "246810", staff_id="u_sari")
            self._cashier = self.api.login(self.backoffice, "u_sari", "246810")
        return self._cashier

    def pair_station(self, name: str | None = None) -> str:
        """A print station paired with a code from the admin; returns its Authorization header."""
        code = self.api.post("/devices/pairing-codes", {"kind": "print_station"}, auth=self.admin).json["code"]
        r = self.api.post("/devices/pair", {"code": code, "name": name or f"PC {next(self._names)}",
                                            "kind": "print_station"})
        assert r.status == 201, r
        return f"Device {r.json['device_token']}"

    def submit(self, reference: str, role: str = "receipt", **kw) -> dict:
        from chalicelib.printing import service

        return service.submit_pdf(self.store_id, role=role, kind=kw.pop("kind", role), pdf=kw.pop("pdf", PDF),
                                  reference=reference, **kw)

    def claim(self, station: str, roles=("receipt", "label"), lease_seconds: int = 60):
        r = self.api.post("/print/jobs/claim", {"roles": list(roles), "lease_seconds": lease_seconds}, auth=station)
        assert r.status == 200, r
        return r.json["job"]

    def ack(self, station: str, job_id: str, status: str = "printed", reason: str | None = None):
        body = {"status": status, **({"reason": reason} if reason else {})}
        return self.api.post(f"/print/jobs/{job_id}/ack", body, auth=station)

    def jobs(self, status: str | None = None) -> list[dict]:
        r = self.api.get("/print/jobs" + (f"?status={status}" if status else ""), auth=self.admin)
        assert r.status == 200, r
        return r.json["jobs"]

    def station_id(self, station: str) -> str:
        return self.api.get("/print/station", auth=station).json["station_id"]

    def assign(self, station: str, printers: dict[str, str]):
        body = {"printers": [{"role": role, "profile": profile} for role, profile in printers.items()]}
        return self.api.call("PUT", f"/print/stations/{self.station_id(station)}/printers", body, auth=self.admin)


def _new_store(merchant_id: str, store_id: str, name: str) -> str:
    """A merchant's store with an admin and a paired back office; returns the back office's device token."""
    from chalicelib.core.web import Caller
    from chalicelib.staff import service as staff

    staff.create_merchant(f"Merchant {name}", name, merchant_id=merchant_id, store_id=store_id)
    staff.add_staff(merchant_id, store_id, "Rina Admin", "admin", "135790", staff_id="u_admin")
    seed = Caller(merchant_id=merchant_id, store_id=store_id, role="admin", device_id="seed")
    return staff.pair_device(staff.create_pairing_code(seed, "backoffice")["code"], "Back office")["device_token"]


def _signed_in(api, merchant_id: str, store_id: str, backoffice: str) -> Shop:
    return Shop(api, merchant_id, store_id, admin=api.login(backoffice, "u_admin", "135790"), backoffice=backoffice)


@pytest.fixture
def shop(api, seeded, clock) -> Shop:
    """Toko Cetak, restored from the session's snapshot for every test, with its admin signed in."""
    backoffice = seeded("printing: Toko Cetak", lambda: _new_store("m_print", "s_print", "Toko Cetak"))
    return _signed_in(api, "m_print", "s_print", backoffice)


@pytest.fixture
def other_shop(api, shop) -> Shop:
    """Another merchant's store on the same system."""
    return _signed_in(api, "m_other", "s_other", _new_store("m_other", "s_other", "Toko Lain"))

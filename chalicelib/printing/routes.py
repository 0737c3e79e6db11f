"""Print stations (the store PC's bridge) and print jobs (the back office)."""
from __future__ import annotations

from ..core.lazy import lazy
from ..core.web import ADMIN, CASHIER, CS, Api, Created, F, int_param, once, parse_body, query_param
service = lazy(".service", __package__)
from .model import PROFILE_FIELDS

bp = Api(__name__)
# Cashiers reprint receipts, CS staff slips and labels; admins do everything.
JOB_STAFF = (CASHIER, CS)


# ---- the bridge: Authorization: Device <token> of a print_station --------------------------------

@bp.endpoint("/print/station", ["GET"], devices=True)
def station(caller):
    return service.station_config(caller)


@bp.endpoint("/print/jobs/claim", ["POST"], devices=True)
def claim(caller):
    body = parse_body(bp.current_request, {"roles": F(list), "lease_seconds": F(int, required=False)})
    return {"job": service.claim(caller, body["roles"], body.get("lease_seconds", 60))}


@bp.endpoint("/print/jobs/{job_id}/ack", ["POST"], devices=True)
def ack(caller, job_id):
    body = parse_body(bp.current_request, {"status": F(str), "reason": F(str, required=False)})
    return service.ack(caller, job_id, body["status"], body.get("reason"))


@bp.endpoint("/print/jobs/{job_id}/release", ["POST"], devices=True)
def release(caller, job_id):
    body = parse_body(bp.current_request, {"reason": F(str, required=False)}, allow_empty=True)
    return service.release(caller, job_id, body.get("reason"))


# ---- the back office -----------------------------------------------------------------------------

@bp.endpoint("/print/jobs", ["GET"], roles=JOB_STAFF)
def list_jobs(caller):
    req = bp.current_request
    status = query_param(req, "status")
    return {"jobs": service.list_jobs(caller.store_id, status=status.upper() if status else None,
                                      limit=int_param(req, "limit", 50))}


@bp.endpoint("/print/jobs/{job_id}/reprint", ["POST"], roles=JOB_STAFF)
def reprint(caller, job_id):
    req = bp.current_request
    body = parse_body(req, {"copies": F(int, required=False)}, allow_empty=True)
    return once(req, caller, f"print-reprint#{job_id}", body, lambda: service.reprint(caller, job_id, body.get("copies")))


@bp.endpoint("/print/test-page", ["POST"], roles=[ADMIN])
def test_page(caller):
    req = bp.current_request
    body = parse_body(req, {"role": F(str)})
    return once(req, caller, "print-test-page", body, lambda: service.print_test_page(caller, body["role"]))


@bp.endpoint("/print/stations", ["GET"], roles=[ADMIN])
def list_stations(caller):
    return service.list_stations(caller.store_id)


@bp.endpoint("/print/stations/{station_id}/printers", ["GET"], roles=[ADMIN])
def station_printers(caller, station_id):
    return service.station_printers(caller.store_id, station_id)


@bp.endpoint("/print/stations/{station_id}/printers", ["PUT"], roles=[ADMIN])
def set_station_printers(caller, station_id):
    body = parse_body(bp.current_request, {"printers": F(list)})
    return service.set_station_printers(caller.store_id, station_id, body["printers"], caller.staff_id or caller.device_id)


# The body is the profile itself; its fields are typed and checked by the model, the way the bridge does.
_PROFILE_BODY = {name: F((str, int, float, bool), required=False, nullable=True) for name in (*PROFILE_FIELDS, "base")}


@bp.endpoint("/print/stations/{station_id}/profiles", ["POST"], roles=[ADMIN])
def add_station_profile(caller, station_id):
    profile = parse_body(bp.current_request, _PROFILE_BODY)
    return Created(service.add_station_profile(caller.store_id, station_id, profile, caller.staff_id or caller.device_id))

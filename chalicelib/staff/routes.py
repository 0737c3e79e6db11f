"""Device pairing, PIN sign-in, staff and store settings."""
from __future__ import annotations

from ..core.ratelimit import client_address
from ..core.web import ADMIN, ALL_STAFF, Api, Created, F, parse_body
from . import model, service

bp = Api(__name__)


@bp.endpoint("/devices/pairing-codes", ["POST"], roles=[ADMIN])
def create_pairing_code(caller):
    body = parse_body(bp.current_request, {"kind": F(str)})
    return Created(service.create_pairing_code(caller, body["kind"]))


@bp.endpoint("/devices/pair", ["POST"], public=True)
def pair(_):
    body = parse_body(bp.current_request, {"code": F(str), "name": F(str), "kind": F(str, required=False)})
    return Created(service.pair_device(body["code"], body["name"], body.get("kind"),
                                       client=client_address(bp.current_request)))


@bp.endpoint("/devices", ["GET"], roles=[ADMIN])
def list_devices(caller):
    return {"devices": service.list_devices(caller)}


@bp.endpoint("/devices/{device_id}/revoke", ["POST"], roles=[ADMIN])
def revoke_device(caller, device_id):
    return service.revoke_device(caller, device_id)


@bp.endpoint("/auth/staff", ["GET"], devices=True)
def login_choices(caller):
    return {"staff": service.login_choices(caller)}


@bp.endpoint("/auth/login", ["POST"], devices=True)
def login(caller):
    body = parse_body(bp.current_request, {"staff_id": F(str), "pin": F(str)})
    return service.login(caller, body["staff_id"], body["pin"])


@bp.endpoint("/auth/logout", ["POST"], roles=ALL_STAFF)
def logout(caller):
    return service.logout(caller)


@bp.endpoint("/auth/me", ["GET"], roles=ALL_STAFF, devices=True)
def me(caller):
    return {"staff_id": caller.staff_id, "name": caller.staff_name, "role": caller.role,
            "device_id": caller.device_id, "device_kind": caller.device_kind, "store": service.public_store(caller)}


@bp.endpoint("/staff", ["GET"], roles=[ADMIN])
def list_staff(caller):
    return {"staff": service.list_staff(caller)}


@bp.endpoint("/staff", ["POST"], roles=[ADMIN])
def create_staff(caller):
    body = parse_body(bp.current_request, {"name": F(str), "role": F(str), "pin": F(str)})
    return Created(service.create_staff(caller, body["name"], body["role"], body["pin"]))


@bp.endpoint("/staff/{staff_id}", ["PATCH"], roles=[ADMIN])
def update_staff(caller, staff_id):
    body = parse_body(bp.current_request, {"name": F(str, required=False), "role": F(str, required=False),
                                           "pin": F(str, required=False), "active": F(bool, required=False)})
    return service.update_staff(caller, staff_id, body)


@bp.endpoint("/staff/{staff_id}/unlock", ["POST"], roles=[ADMIN])
def unlock_staff(caller, staff_id):
    return service.unlock(caller, staff_id)


@bp.endpoint("/staff/{staff_id}/end-sessions", ["POST"], roles=[ADMIN])
def end_staff_sessions(caller, staff_id):
    return service.end_sessions(caller, staff_id)


@bp.endpoint("/store/end-sessions", ["POST"], roles=[ADMIN])
def end_store_sessions(caller):
    return service.end_sessions(caller)


@bp.endpoint("/store", ["GET"], roles=ALL_STAFF, devices=True)
def store(caller):
    return service.public_store(caller)


_SETTINGS = {name: F(int, required=False) for name in model.SETTING_RANGES}
_SETTINGS.update({"auto_confirm_matches": F(bool, required=False), "unique_code_subtracts": F(bool, required=False),
                  "bank_accounts": F(list, required=False),
                  "void_without_approval": F(list, required=False)})


@bp.endpoint("/store/settings", ["PATCH"], roles=[ADMIN])
def update_store_settings(caller):
    """Each setting sent is checked by type and range (400 ``invalid_setting`` / ``invalid_bank_account``)
    before anything is written; the others stay as they are."""
    body = model.check_settings(parse_body(bp.current_request, _SETTINGS))
    return service.update_store_settings(caller, body)

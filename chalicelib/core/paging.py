"""Opaque page cursors: a DynamoDB ``LastEvaluatedKey`` handed to the client and back."""
from __future__ import annotations

import base64
import json

from .errors import ValidationError


def encode_cursor(key: dict | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode() if key else None


def decode_cursor(cursor: str | None, *, param: str = "cursor", code: str = "invalid_cursor") -> dict | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception:
        key = None
    if not isinstance(key, dict):
        raise ValidationError(f"Parameter {param} tidak valid.", code=code)
    return key

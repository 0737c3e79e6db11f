"""PynamoDB base: one definition per table, used by the app, the local stack and the CDK stack.

Every model subclasses :class:`Table`; its ``Meta.table_name`` is the stage-prefixed name and it
is registered in :data:`TABLES` so table creation (local stack, tests, CDK) reads keys, indexes,
TTL and streams from the model itself, never from a second copy.
"""
from __future__ import annotations

import json
import threading
import time
from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from .settings import get_settings

TABLES: list[type["Table"]] = []


def table_meta(name: str, *, ttl: str | None = None, stream: str | None = None):
    """Build a PynamoDB ``Meta`` for table ``name``.

    ``ttl`` names the TTL attribute (epoch seconds); ``stream`` is a StreamViewType
    (e.g. ``"NEW_AND_OLD_IMAGES"``). Both are read by table creation here and in CDK.
    """
    s = get_settings()

    class Meta:
        table_name = s.table_name(name)
        region = s.region
        host = s.endpoint_url
        billing_mode = "PAY_PER_REQUEST"
        connect_timeout_seconds = 5
        read_timeout_seconds = 10
        max_retry_attempts = 3

    Meta.sambung_name = name
    Meta.ttl_attribute = ttl
    Meta.stream_view_type = stream
    return Meta


class Table(Model):
    """Base for all Sambung tables; subclasses are registered for table creation."""

    class Meta:
        abstract = True
        table_name = "abstract"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not getattr(cls.Meta, "abstract", False):
            TABLES.append(cls)


class JSONAttribute(UnicodeAttribute):
    """A JSON document stored as a string (small nested values such as order items or raw events)."""

    def serialize(self, value):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)

    def deserialize(self, value):
        return json.loads(value)


_local = threading.local()


def number_is(attribute, value: int):
    """A condition: the number attribute is still ``value``, an attribute never written counting as 0
    (items stored before it existed). For counters a write must find unchanged."""
    same = attribute == value
    return same | attribute.does_not_exist() if value == 0 else same


def find(model: type[Model], *keys, **kwargs):
    """``model.get(*keys, **kwargs)``, or None when the item does not exist."""
    try:
        return model.get(*keys, **kwargs)
    except model.DoesNotExist:
        return None


def connection() -> Connection:
    """One PynamoDB connection per thread: building a botocore client costs tens of milliseconds,
    and the connection caches table descriptions that transactions need."""
    conn = getattr(_local, "connection", None)
    if conn is None:
        s = get_settings()
        conn = _local.connection = Connection(region=s.region, host=s.endpoint_url)
    return conn


def table_spec(model: type[Table]) -> dict:
    """The CreateTable shape of a model (keys, GSIs, billing, stream) plus its TTL attribute."""
    schema = model._get_schema()  # PynamoDB's own description of keys, attributes and indexes
    attrs = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
    spec = {
        "TableName": model.Meta.table_name,
        "KeySchema": schema["key_schema"],
        "BillingMode": "PAY_PER_REQUEST",
    }
    gsis = []
    for idx in schema.get("global_secondary_indexes", []):
        attrs.update({a["AttributeName"]: a["AttributeType"] for a in idx["attribute_definitions"]})
        gsis.append({"IndexName": idx["index_name"], "KeySchema": idx["key_schema"], "Projection": idx["projection"]})
    spec["AttributeDefinitions"] = [{"AttributeName": k, "AttributeType": v} for k, v in sorted(attrs.items())]
    if gsis:
        spec["GlobalSecondaryIndexes"] = gsis
    if model.Meta.stream_view_type:
        spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": model.Meta.stream_view_type}
    return {"create": spec, "ttl_attribute": model.Meta.ttl_attribute, "name": model.Meta.sambung_name}


def create_tables(models: list[type[Table]], client=None) -> list[str]:
    """Create the tables of ``models`` (``schema.all_tables()``: every registered one), idempotent,
    with TTL enabled where declared."""
    import boto3

    s = get_settings()
    client = client or boto3.client("dynamodb", region_name=s.region, endpoint_url=s.endpoint_url)
    existing = set(client.list_tables().get("TableNames", []))
    created = []
    for model in models:
        spec = table_spec(model)
        name = spec["create"]["TableName"]
        if name not in existing:
            client.create_table(**spec["create"])
            created.append(name)
        if spec["ttl_attribute"]:
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": spec["ttl_attribute"]},
            )
    return created


BATCH_GET_MAX = 100  # keys DynamoDB takes in one BatchGetItem


def find_many(keys: list[tuple], *, consistent: bool = True) -> list:
    """Read items of several tables in one ``BatchGetItem``: ``keys`` are ``(Model, hash_key)`` or
    ``(Model, hash_key, range_key)``; the answer lists the records (or None) in the same order.

    One round trip where a request needs a few small items at once (a session check reads the
    session, its device and its staff member); ``consistent`` reads see every write before them.
    More than 100 keys take one call per hundred."""
    if len(keys) > BATCH_GET_MAX:
        return [found for start in range(0, len(keys), BATCH_GET_MAX)
                for found in find_many(keys[start:start + BATCH_GET_MAX], consistent=consistent)]
    request: dict = {}
    where: dict = {}
    for i, key in enumerate(keys):
        model, hash_key, range_key = (tuple(key) + (None,))[:3]
        h, r = model._serialize_keys(hash_key, range_key)
        item = {model._hash_key_attribute().attr_name: {model._hash_key_attribute().attr_type: h}}
        if range_key is not None:
            item[model._range_key_attribute().attr_name] = {model._range_key_attribute().attr_type: r}
        table = model.Meta.table_name
        entry = request.setdefault(table, {"Keys": [], "ConsistentRead": consistent})
        if item not in entry["Keys"]:
            entry["Keys"].append(item)
        where.setdefault((table, json.dumps(item, sort_keys=True)), []).append((i, model))
    found: list = [None] * len(keys)
    client = connection().client
    tries = 0
    while request:
        if tries == 8:
            raise RuntimeError("DynamoDB left keys unprocessed after 8 tries")
        if tries:
            time.sleep(min(0.05 * 2 ** tries, 1.0))  # unprocessed keys (throttling) are asked again
        tries += 1
        answer = client.batch_get_item(RequestItems=request)
        for table, items in answer.get("Responses", {}).items():
            for raw in items:
                for (t, k), slots in where.items():
                    if t == table and all(raw.get(n) == v for n, v in json.loads(k).items()):
                        for i, model in slots:
                            found[i] = model.from_raw_data(raw)
        request = answer.get("UnprocessedKeys") or {}
    return found

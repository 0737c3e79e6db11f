"""S3 access: one lazily created client, presigned URLs for browsers and the print bridge."""
from __future__ import annotations

from functools import lru_cache

from .settings import get_settings


@lru_cache(maxsize=1)
def s3():
    import boto3
    from botocore.config import Config

    s = get_settings()
    return boto3.client("s3", region_name=s.region, endpoint_url=s.endpoint_url,
                        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))


def put(key: str, body: bytes, content_type: str) -> None:
    s3().put_object(Bucket=get_settings().bucket, Key=key, Body=body, ContentType=content_type)


def get(key: str) -> bytes:
    return s3().get_object(Bucket=get_settings().bucket, Key=key)["Body"].read()


def presigned_get(key: str, expires_in: int = 300) -> str:
    return s3().generate_presigned_url("get_object", Params={"Bucket": get_settings().bucket, "Key": key},
                                       ExpiresIn=expires_in)


def presigned_post(key: str, *, content_type: str | None = None, max_bytes: int = 20 * 1024 * 1024,
                   expires_in: int = 600) -> dict:
    conditions = [["content-length-range", 1, max_bytes]]
    fields = {}
    if content_type:
        conditions.append({"Content-Type": content_type})
        fields["Content-Type"] = content_type
    return s3().generate_presigned_post(get_settings().bucket, key, Fields=fields or None,
                                        Conditions=conditions, ExpiresIn=expires_in)

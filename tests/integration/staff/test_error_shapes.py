"""Errors that Chalice raises before our views run still reach clients in our shape."""


def test_wrong_content_type_gets_our_error_shape(api, demo):
    r = api.call("POST", "/devices/pair", raw=b"code=x", headers={"Content-Type": "text/plain"})
    assert r.status == 415 and r.error_code == "unsupported_media_type" and r.json["error"]["message"]


def test_unknown_method_gets_our_error_shape(api, demo):
    r = api.call("DELETE", "/health")
    assert r.status == 405 and r.error_code == "method_not_allowed"

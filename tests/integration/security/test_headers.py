"""Attack surface (issue 15, part 7): security headers on every page and API answer of the local
stack's one origin, over real HTTP through the local front: a Content-Security-Policy without
inline script or style, nosniff, no framing, no referrer; HSTS when the answer went out over HTTPS.
The pages themselves hold no inline script, handler attribute or style for that policy to block
(tests/browser/test_csp.py proves it in Chromium, with no violation on the main pages)."""
from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

KIOSK = Path(__file__).resolve().parents[3] / "kiosk_pwa"
EVERY_ANSWER = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


def fetch(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 301 itself is the answer under test


def directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in filter(None, (p.strip() for p in csp.split(";"))):
        name, *values = part.split()
        out[name] = values
    return out


def assert_protected(headers: dict, what: str) -> dict[str, list[str]]:
    for name, value in EVERY_ANSWER.items():
        assert headers.get(name) == value, f"{what}: {name} is {headers.get(name)!r}"
    csp = directives(headers.get("content-security-policy", ""))
    assert csp.get("script-src") == ["'self'"], f"{what}: {csp}"  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp.get("style-src") == ["'self'"], f"{what}: {csp}"
    assert csp.get("default-src") == ["'self'"] and csp.get("object-src") == ["'none'"], what
    assert csp.get("frame-ancestors") == ["'none'"] and csp.get("base-uri") == ["'none'"], what
    assert csp.get("form-action") == ["'self'"], what
    return csp


def static_paths() -> list[str]:
    """Every file the front serves from kiosk_pwa/ (the pages, modules, styles, icons, manifests)."""
    return sorted("/" + p.relative_to(KIOSK).as_posix() for p in KIOSK.rglob("*")
                  if p.is_file() and p.suffix in (".html", ".js", ".css", ".json", ".png", ".webmanifest"))


def test_every_page_and_file_of_the_pwa_carries_the_headers(front):
    from chalicelib.core.settings import get_settings

    paths = static_paths()
    assert {"/index.html", "/receipt.html", "/activate.html", "/backoffice/index.html", "/sw.js"} <= set(paths)
    for path in [*paths, "/", "/backoffice/", "/aktivasi/abc"]:  # the last: an unknown address gets the app shell
        status, headers, _ = fetch(front.url + path)
        assert status == 200, path
        csp = assert_protected(headers, path)
        assert "strict-transport-security" not in headers, "plain HTTP on loopback: HSTS means nothing here"
    # Statement files go from the browser straight to S3 (here moto): the one other origin it may call.
    assert csp["connect-src"] == ["'self'", get_settings().endpoint_url.rstrip("/")]


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/backoffice", 301),          # the front's redirect to the folder
    ("GET", "/nope.js", 404),             # the front's own not-found
    ("POST", "/index.html", 405),         # the front's method check
])
def test_the_fronts_own_answers_carry_the_headers(front, method, path, status):
    got, headers, _ = fetch(front.url + path, method, b"" if method == "POST" else None)
    assert got == status
    assert_protected(headers, f"{method} {path}")


@pytest.mark.parametrize("method, path, body, status", [
    ("GET", "/api/health", None, 200),
    ("GET", "/api/staff", None, 401),                             # no session
    ("POST", "/api/devices/pair", b"{not json", 400),
    ("POST", "/api/auth/login", b'{"staff_id": "u_sari", "pin": "000000"}', 401),  # no device
    ("DELETE", "/api/health", None, 405),                         # Chalice's own error, rewritten
    ("GET", "/api/no-such-route", None, 404),                     # unknown to API Gateway
    ("GET", "/api/receipts/not-a-token", None, 404),
])
def test_every_api_answer_carries_the_headers(front, method, path, body, status):
    got, headers, _ = fetch(front.url + path, method, body, {"Content-Type": "application/json"} if body else None)
    assert got == status, (method, path, got)
    assert_protected(headers, f"{method} {path}")
    assert "strict-transport-security" not in headers


def test_a_pdf_answer_carries_the_headers_too(front, demo):
    import json
    import uuid

    def call(method, path, payload, auth):
        return fetch(front.url + path, method, json.dumps(payload).encode(),
                     {"Content-Type": "application/json", "Authorization": auth, "Idempotency-Key": str(uuid.uuid4())})

    person = next(s for s in demo["staff"] if s["role"] == "cashier")
    status, _, raw = call("POST", "/api/auth/login", {"staff_id": person["staff_id"], "pin": person["pin"]},
                          f"Device {demo['backoffice_device_token']}")
    assert status == 200, raw
    cashier = "Bearer " + json.loads(raw)["token"]
    status, _, raw = call("POST", "/api/sales", {"items": [{"sku": demo["products"][0]["sku"], "qty": 1}],
                                                 "payment_method": "CASH"}, cashier)
    assert status == 201, raw
    order = json.loads(raw)
    status, _, raw = call("POST", f"/api/sales/{order['order_id']}/cash", {"amount_received": order["total"]}, cashier)
    assert status == 200, raw
    status, headers, pdf = fetch(f"{front.url}/api/receipts/{json.loads(raw)['receipt_token']}/pdf",
                                 headers={"Accept": "application/pdf"})
    assert status == 200 and pdf.startswith(b"%PDF-")
    assert_protected(headers, "receipt PDF")


def test_hsts_goes_out_on_answers_served_over_https(front):
    # API Gateway tells the function the viewer's scheme: X-Forwarded-Proto is https there, always.
    status, headers, _ = fetch(front.url + "/api/health", headers={"X-Forwarded-Proto": "https"})
    assert status == 200
    hsts = headers.get("strict-transport-security", "")
    assert "includeSubDomains" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000


def test_the_lambda_handler_adds_the_headers_itself(api):
    """In AWS nothing sits between API Gateway and the function but CloudFront: the app's own middleware
    puts the headers on every answer (here Chalice's test client calls the handler, no front)."""
    r = api.get("/health")
    assert r.status == 200
    assert_protected({k.lower(): v for k, v in r.headers.items()}, "/health in Lambda")
    r = api.get("/staff")
    assert r.status == 401
    assert_protected({k.lower(): v for k, v in r.headers.items()}, "401 in Lambda")


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= handler on <{tag}>")
            if name == "style":
                self.found.append(f"style= attribute on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}= on <{tag}>")


@pytest.mark.parametrize("page", sorted(p.relative_to(KIOSK).as_posix() for p in KIOSK.rglob("*.html")))
def test_no_page_relies_on_inline_script_handlers_or_styles(page):
    finder = _InlineFinder()
    finder.feed((KIOSK / page).read_text(encoding="utf-8"))
    assert finder.found == [], f"{page}: the CSP blocks {finder.found}; move it to a .js or .css file"

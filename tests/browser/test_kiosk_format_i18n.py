"""The kiosk's own formatters agree with the Python ones character for character, and every string
the kiosk and the back office show exists in both language files."""
from __future__ import annotations

import json
import re
from pathlib import Path

from chalicelib.core.clock import format_wib
from chalicelib.core.money import format_rupiah
from chalicelib.core.phone import display_phone
from chalicelib.documents.formatting import masked_phone

KIOSK = Path(__file__).resolve().parents[2] / "kiosk_pwa"
BACK_OFFICE = ("backoffice", "reconciliation", "shipping", "reports", "printing")


def test_format_js_mirrors_the_python_helpers(page, stack):
    page.goto(stack.url + "/receipt.html")  # any page of the kiosk's origin can import the module
    amounts = [0, 7, 999, 1000, 18000, 150000, 1234567, -5000, 10 ** 12]
    phones = ["+6281234567890", "+628123456789", "+62215551234", "+6281", "+14155550123", "+6512345678"]
    instants = [0, 1767225599, 1795394906, 1798761600]
    zones = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Pontianak"]
    js = page.evaluate("""async ([amounts, phones, instants, zones]) => {
        const f = await import('/js/format.js');
        const refused = [];
        for (const bad of [1.5, '150000', null, Number.NaN]) {
            try { f.formatRupiah(bad); } catch (e) { refused.push(e.name); }
        }
        return {
            rupiah: amounts.map(f.formatRupiah),
            display: phones.map(f.displayPhone),
            masked: phones.map(f.maskedPhone),
            times: zones.flatMap(z => instants.flatMap(t => [f.formatWib(t, z), f.formatWib(t, z, true)])),
            refused,
        };
    }""", [amounts, phones, instants, zones])
    assert js["rupiah"] == [format_rupiah(a) for a in amounts]
    assert js["display"] == [display_phone(p) for p in phones]
    assert js["masked"] == [masked_phone(p) for p in phones]
    assert js["times"] == [s for z in zones for t in instants for s in (format_wib(t, z), format_wib(t, z, True))]
    assert js["refused"] == ["TypeError"] * 4  # money is whole rupiah, never a float or a string


def test_both_languages_have_every_string_the_kiosk_and_the_back_office_use():
    id_strings = json.loads((KIOSK / "i18n" / "id.json").read_text())
    en_strings = json.loads((KIOSK / "i18n" / "en.json").read_text())
    # English adds its own wording for server error codes; in Bahasa the server's message is shown as is.
    assert set(id_strings) == {k for k in en_strings if not k.startswith("error.code.")}
    used = set()
    back_office = [path for folder in BACK_OFFICE for path in (KIOSK / folder).rglob("*.js")]
    assert len(back_office) >= 15
    for path in [*(KIOSK / "js").rglob("*.js"), *back_office]:
        used |= set(re.findall(r"""\bt\(\s*["'`]([\w.]+)["'`]""", path.read_text()))
    for path in back_office:  # the back office keeps keys in tables too: {REQUESTED: "bo.drop.status.requested"}
        used |= set(re.findall(r"""["'`]((?:bo|role)\.[\w.]+)["'`]""", path.read_text()))
    used |= set(re.findall(r'data-i18n="([\w.]+)"', (KIOSK / "index.html").read_text()))
    used |= {f"role.{role}" for role in ("cashier", "supervisor", "cs", "admin")}  # t(`role.${person.role}`)
    assert any(key.startswith("bo.") for key in used), "the back office's strings are in the language files"
    assert used - set(id_strings) == set()
    assert set(id_strings) - used == set(), "strings nobody shows"
    placeholders = {k: sorted(re.findall(r"\{(\w+)\}", v)) for k, v in id_strings.items()}
    assert placeholders == {k: sorted(re.findall(r"\{(\w+)\}", en_strings[k])) for k in id_strings}

"""QRIS codec on real published payloads, on broken ones, and build -> parse round trips."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.payments import qris
from chalicelib.payments.qris import QrisError, QrisMerchant

# --- Real payloads from public sources (each CRC checks) -------------------------------------

# Static DANA QR, verssache/qris-dinamis:qris.php (commit 82563c9b), first line comment.
DANA_STATIC = (
    "00020101021126570011ID.DANA.WWW011893600915302259148102090225914810303UMI51440014ID.CO.QRIS.WWW"
    "0215ID10200176114730303UMI5204581253033605802ID5922Warung Sayur Bu Sugeng6010Kab. Demak610559567630458C7")
# Dynamic GoPay QRIS in Midtrans' charge response sample, Midtrans/technical-documentation-site
# en/other/faq/gopay-pos.md (commit 393a9a50): amount "789000.00" placed AFTER tag 61.
MIDTRANS_GOPAY = (
    "00020101021226620014COM.GO-JEK.WWW011993600914349052630340210G4905263030303UKE51440014ID.CO.QRIS.WWW"
    "0215AID0607336128660303UKE5204341453033605802ID5904Test6007BANDUNG6105402845409789000.0062475036c032f87c"
    "-f773-4619-aefa-675e1f06f9210703A016304A623")
# Dynamic ShopeePay QRIS from Pakasir, LostaMasta45/jobmate:PAKASIR_HOW_IT_WORKS.md (54 = "100003.00").
PAKASIR_SHOPEE = (
    "00020101021226610016ID.CO.SHOPEE.WWW01189360091800216005230208216005230303UME51440014ID.CO.QRIS.WWW"
    "0215ID10243228429300303UME5204792953033605409100003.005802ID5907Pakasir6012KAB. KEBUMEN61055439262230519"
    "SP25RZRATEQI2HQ65Q46304A079")
# Static -> dynamic conversion with a fixed fee (55=02, 56=666), KUPIEACEH/go-qris:README.md.
GO_QRIS_CONVERTED = (
    "00020101021226630016COM.MEMBASUH.WWW0118936000091100004515021004893710810303UMI51440014ID.CO.QRIS.WWW"
    "0215ID20200340731930303UKE5204482953033605404133755020256036665802ID5912Sintas Store6015Kota Yogyakarta"
    "61055500062070703A016304F98B")
# CIMB Niaga + QRNPG static QR with a leading-zero CRC "097D", krypton-byte/pyqris:README.md.
CIMB_LEADING_ZERO_CRC = (
    "00020101021126710019ID.CO.CIMBNIAGA.WWW011878728356757817222102150002186871651250303UMI51450015"
    "ID.OR.QRNPG.WWW0215ID81275673266770303UMI5204599953033605802ID5914AABBCCD*6714516006KEDIRI6105442346212"
    "0708123456786304097D")
# Dynamic Xendit QRIS inside a replayed v1 webhook (public test script, repository not resolved by
# the index; payments.md V8): 51 has no criteria sub-tag 03.
XENDIT_DYNAMIC = (
    "00020101021226650013CO.XENDIT.WWW01189360084800000054690215MTp47ZSspWsSQxG0303UME51370014ID.CO.QRIS.WWW"
    "0215ID20254267526685204509953033605405100005802ID5923PT ALWI KOBRA INDONESIA6006Bekasi61051715162290525"
    "xoizLQizgQUsgqK4tR4kMBcLc630475A5")
# BPD Kaltim-Kaltara test QR from a public SQL dump (payments.md V11): tag 59 is 44 characters,
# over the 25 the spec allows, and real QRs like it must still parse.
KALTIMTARA_LONG_NAME = (
    "00020101021226690023ID.CO.BANKALTIMTARA.WWW011893600124024091802802092409180280303URE51440014"
    "ID.CO.QRIS.WWW0215ID20243452761720303URE5204752353033605405100005802ID5944(TEST) RETRIBUSI PARKIR "
    "PELABUHAN BULUMINUNG6015PENAJAM PASER U610576141622501121122334455340705479056304F16E")
# Nobu static QR, YanaMiku-BOTz/api-qris-statis-ke-dinamis:README.md.
NOBU_STATIC = (
    "00020101021126670016COM.NOBUBANK.WWW01189360050300000879140214107456374359710303UMI51440014ID.CO.QRIS.WWW"
    "0215ID20232494105490303UMI5204511153033605802ID5912YANAMIKUBOTZ6005TEGAL61055211162070703A016304F0A6")

# --- Broken payloads --------------------------------------------------------------------------

# misterdevs/qris-parser:README.md publishes this with a CRC field that is not hex.
MISTERDEVS_BAD_CRC = (
    "00020101021126610014COM.GO-JEK.WWW01189360091234285490450210G6285936550303UMI51440014ID.CO.QRIS.WWW"
    "0215ID10253801632580303UMI5204504553033605802ID5910Misterdevs6007JAKARTA61051234562070703A016304M2B3")

MERCHANT = QrisMerchant(name="Toko Sambung", city="JAKARTA", guid="ID.CO.QRIS.WWW", pan="9360000812345678",
                        merchant_id="SMB0001", nmid="ID1020000000001", postal_code="10110")


def with_crc(body: str) -> str:
    """Re-seal an edited payload so a test reaches the check after the CRC."""
    return body + "6304" + qris.crc16(body + "6304")


# --- CRC ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    ("123456789", "29B1"),  # the CRC-16/CCITT-FALSE check value
    ("HELLO", "49D6"), ("abcdef", "34ED"), ("", "FFFF"),  # KUPIEACEH/go-qris crc16_ccitt_test.go
    (b"123456789", "29B1"),
])
def test_crc16_check_values(data, expected):
    assert qris.crc16(data) == expected


def test_crc16_zero_pads_small_values():
    assert qris.crc16(CIMB_LEADING_ZERO_CRC[:-4]) == "097D"


# --- parse: real payloads -------------------------------------------------------------------

@pytest.mark.parametrize("payload, dynamic, amount, name, nmid", [
    (DANA_STATIC, False, None, "Warung Sayur Bu Sugeng", "ID1020017611473"),
    (MIDTRANS_GOPAY, True, 789000, "Test", "AID060733612866"),
    (PAKASIR_SHOPEE, True, 100003, "Pakasir", "ID1024322842930"),
    (GO_QRIS_CONVERTED, True, 1337, "Sintas Store", "ID2020034073193"),
    (CIMB_LEADING_ZERO_CRC, False, None, "AABBCCD*671451", "ID8127567326677"),
    (XENDIT_DYNAMIC, True, 10000, "PT ALWI KOBRA INDONESIA", "ID2025426752668"),
    (KALTIMTARA_LONG_NAME, True, 10000, "(TEST) RETRIBUSI PARKIR PELABUHAN BULUMINUNG", "ID2024345276172"),
    (NOBU_STATIC, False, None, "YANAMIKUBOTZ", "ID2023249410549"),
])
def test_parses_real_payloads(payload, dynamic, amount, name, nmid):
    p = qris.parse(payload)
    assert p.is_dynamic is dynamic
    assert p.amount == amount
    assert p.merchant_name == name == qris.merchant_name(payload)
    assert p.nmid == nmid
    assert p["53"] == "360" and p["58"] == "ID"
    assert p.payload == payload


def test_templates_decode_into_sub_tags():
    p = qris.parse(MIDTRANS_GOPAY)
    assert dict(p["26"]) == {"00": "COM.GO-JEK.WWW", "01": "9360091434905263034", "02": "G490526303", "03": "UKE"}
    assert dict(p["51"]) == {"00": "ID.CO.QRIS.WWW", "02": "AID060733612866", "03": "UKE"}
    assert dict(p["62"]) == {"50": "c032f87c-f773-4619-aefa-675e1f06f921", "07": "A01"}
    # the encoded form stays available, and templates are read-only
    assert p.raw("62").startswith("5036")
    with pytest.raises(TypeError):
        p["26"]["00"] = "X"  # type: ignore[index]


def test_accepts_any_order_between_00_and_63():
    p = qris.parse(MIDTRANS_GOPAY)
    assert p.order.index("54") > p.order.index("61")  # as Midtrans published it
    assert list(p)[0] == "00" and list(p)[-1] == "63"


def test_accepts_lower_case_crc():
    lower = DANA_STATIC[:-4] + DANA_STATIC[-4:].lower()
    assert lower != DANA_STATIC
    assert qris.parse(lower).merchant_name == "Warung Sayur Bu Sugeng"


def test_parse_then_encode_reproduces_canonical_payload():
    # encode() writes ascending tags, so an in-order payload comes back byte for byte.
    assert qris.encode(qris.parse(DANA_STATIC)) == DANA_STATIC
    assert qris.encode(qris.parse(PAKASIR_SHOPEE)) == PAKASIR_SHOPEE


def test_helpers():
    assert qris.amount_of(MIDTRANS_GOPAY) == 789000
    assert qris.is_dynamic(XENDIT_DYNAMIC) and not qris.is_dynamic(DANA_STATIC)
    with pytest.raises(QrisError, match="static QR"):
        qris.amount_of(DANA_STATIC)


# --- parse: broken payloads -----------------------------------------------------------------

def test_bad_crc_says_expected_and_got():
    broken = DANA_STATIC.replace("Bu Sugeng", "Bu Sugenk")
    with pytest.raises(QrisError, match=r"bad CRC: expected [0-9A-F]{4}, got 58C7") as exc:
        qris.parse(broken)
    assert exc.value.tag == "63"
    assert isinstance(exc.value, ValueError)


def test_non_hex_crc_published_in_a_readme():
    with pytest.raises(QrisError, match="tag 63 must be 4 hex digits, got 'M2B3'"):
        qris.parse(MISTERDEVS_BAD_CRC)


def test_truncated_payload_points_at_the_offset():
    cut = DANA_STATIC[:150]
    with pytest.raises(QrisError, match=r"malformed TLV at offset \d+: tag \d\d runs past the end") as exc:
        qris.parse(cut)
    assert exc.value.offset is not None and exc.value.offset < 150


def test_non_numeric_length():
    with pytest.raises(QrisError, match=r"malformed TLV at offset 6: length '0X' of tag 01"):
        qris.parse("000201010X11" + DANA_STATIC[12:])


def test_malformed_sub_tlv_inside_a_template():
    # tag 62 claims 7 characters but its sub-tag 07 claims 9
    broken = with_crc(DANA_STATIC[:-8] + "62070709A01")
    with pytest.raises(QrisError, match=r"malformed TLV at offset \d+ inside template 62: tag 07 runs past the end"):
        qris.parse(broken)


def test_duplicate_tag():
    broken = with_crc(DANA_STATIC[:-8] + "5802ID")
    with pytest.raises(QrisError, match="duplicate tag 58"):
        qris.parse(broken)


def test_00_must_be_first():
    swapped = with_crc("010211000201" + DANA_STATIC[12:-8])
    with pytest.raises(QrisError, match="tag 00 .* must come first, found tag 01"):
        qris.parse(swapped)


def test_63_must_be_last():
    trailing = DANA_STATIC + "0703A01"
    with pytest.raises(QrisError, match="tag 63 .* must be the last data object, found tag 07"):
        qris.parse(trailing)


@pytest.mark.parametrize("tag", ["59", "60", "52", "53", "58", "01"])
def test_missing_mandatory_tag(tag):
    fields = qris.parse(DANA_STATIC).to_dict()
    del fields[tag]
    with pytest.raises(QrisError, match=f"missing mandatory tag {tag}") as exc:
        qris.parse(qris.encode(fields))
    assert exc.value.tag == tag


def test_missing_merchant_account():
    fields = qris.parse(DANA_STATIC).to_dict()
    del fields["26"], fields["51"]
    with pytest.raises(QrisError, match="merchant account information"):
        qris.parse(qris.encode(fields))


def test_bad_amount_grammar():
    fields = qris.parse(MIDTRANS_GOPAY).to_dict()
    fields["54"] = "1.000,00"
    with pytest.raises(QrisError, match="tag 54 .* not digits"):
        qris.parse(qris.encode(fields))


def test_fractional_rupiah_is_refused_when_read():
    fields = qris.parse(MIDTRANS_GOPAY).to_dict()
    fields["54"] = "789000.50"
    p = qris.parse(qris.encode(fields))  # valid EMV (other currencies have cents) ...
    with pytest.raises(QrisError, match="fraction of a rupiah"):
        p.amount  # ... but not a rupiah amount we can charge


@pytest.mark.parametrize("bad", ["", "   ", "hello", "000201"])
def test_garbage(bad):
    with pytest.raises(QrisError):
        qris.parse(bad)


def test_non_string():
    with pytest.raises(QrisError, match="must be a string"):
        qris.parse(None)  # type: ignore[arg-type]


# --- expect_dynamic ---------------------------------------------------------------------------

def test_expect_dynamic_checks_kind_currency_and_amount():
    assert qris.expect_dynamic(MIDTRANS_GOPAY, 789000).merchant_name == "Test"
    with pytest.raises(QrisError, match="QR amount is 789000, expected 789001"):
        qris.expect_dynamic(MIDTRANS_GOPAY, 789001)
    with pytest.raises(QrisError, match="static"):
        qris.expect_dynamic(DANA_STATIC, 1000)
    fields = qris.parse(MIDTRANS_GOPAY).to_dict()
    fields["53"] = "840"
    with pytest.raises(QrisError, match="currency"):
        qris.expect_dynamic(qris.encode(fields), 789000)


@pytest.mark.parametrize("extra", [{"55": "01"}, {"55": "02", "56": "2500"}, {"55": "03", "57": "5"}])
def test_expect_dynamic_refuses_a_tip_or_convenience_fee(extra):
    """Tags 55-57 let the shopper's app ask for more than the order: such a QR is never shown."""
    fields = {**qris.parse(MIDTRANS_GOPAY).to_dict(), **extra}
    payload = qris.encode(fields)
    assert qris.amount_of(qris.parse(payload)) == 789000  # the amount itself is right
    with pytest.raises(QrisError, match="tip or convenience fee|convenience fee") as e:
        qris.expect_dynamic(payload, 789000)
    assert e.value.tag in extra


# --- build ------------------------------------------------------------------------------------

def test_build_emits_a_valid_dynamic_payload():
    payload = qris.build(MERCHANT, 150000, bill_number="INV-7", reference_label="ABC123", terminal_label="K01")
    p = qris.parse(payload)
    assert payload.startswith("000201010212")
    assert list(p.order) == sorted(p.order)  # ascending tags
    assert p["54"] == "150000"  # integer rupiah, no decimals
    assert p.crc == payload[-4:] == payload[-4:].upper()
    assert dict(p["62"]) == {"01": "INV-7", "05": "ABC123", "07": "K01"}
    assert dict(p["26"]) == {"00": "ID.CO.QRIS.WWW", "01": "9360000812345678", "02": "SMB0001", "03": "UMI"}
    assert p.nmid == "ID1020000000001" and p["61"] == "10110"


def test_build_without_optional_data_has_no_tag_62():
    assert "62" not in qris.parse(qris.build(MERCHANT, 1))


@pytest.mark.parametrize("amount, message", [
    (0, "1..9999999999999"), (-5, "1..9999999999999"), (10**13, "1..9999999999999"),
    (1500.0, "int of rupiah"), ("1500", "int of rupiah"), (True, "int of rupiah"),
])
def test_build_refuses_bad_amounts(amount, message):
    with pytest.raises(QrisError, match=message):
        qris.build(MERCHANT, amount)


@pytest.mark.parametrize("change, message", [
    ({"name": "A" * 26}, "merchant name must be 1-25"),
    ({"city": ""}, "merchant city must be 1-15"),
    ({"name": "Kopi Kenangan Senja ☕"}, "printable ASCII"),
    ({"city": "JAKARTA\t"}, "printable ASCII"),
    ({"pan": "93600008ABCD5678"}, "PAN must be 16-19 digits"),
    ({"mcc": "54"}, "MCC must be 4 digits"),
    ({"criteria": "XXX"}, "criteria"),
])
def test_build_validates_strictly(change, message):
    from dataclasses import replace

    with pytest.raises(QrisError, match=message):
        qris.build(replace(MERCHANT, **change), 1000)


def test_build_refuses_over_long_additional_data():
    with pytest.raises(QrisError, match="reference label must be 1-25"):
        qris.build(MERCHANT, 1000, reference_label="R" * 26)


# --- round trip -------------------------------------------------------------------------------

_ans = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1)


@settings(max_examples=150, deadline=None)
@given(
    amount=st.integers(min_value=1, max_value=10**13 - 1),
    name=_ans.filter(lambda s: len(s) <= 25),
    city=_ans.filter(lambda s: len(s) <= 15),
    pan=st.from_regex(r"\A9360[0-9]{12,15}\Z"),
    reference=st.none() | _ans.filter(lambda s: len(s) <= 25),
    criteria=st.sampled_from(["UMI", "UKE", "UME", "UBE", "URE"]),
)
def test_build_parse_round_trip(amount, name, city, pan, reference, criteria):
    merchant = QrisMerchant(name=name, city=city, guid="ID.CO.QRIS.WWW", pan=pan, merchant_id="M1",
                            nmid="ID1020000000001", criteria=criteria)
    payload = qris.build(merchant, amount, reference_label=reference)
    p = qris.parse(payload)
    assert qris.amount_of(p) == amount
    assert p.is_dynamic
    assert p.merchant_name == name and p.merchant_city == city
    assert p["26"]["01"] == pan and p["26"]["03"] == p["51"]["03"] == criteria
    if reference is None:
        assert "62" not in p
    else:
        assert p["62"]["05"] == reference
    assert qris.encode(p) == payload

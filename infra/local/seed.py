"""The demo merchant of the local stack: Toko Demo in Asia/Jakarta, staff with PINs, products, stock, devices."""
from __future__ import annotations

from chalicelib.catalog import model as catalog_model
from chalicelib.catalog import repo as catalog_repo
from chalicelib.core import uow as units
from chalicelib.inventory import repo as inventory_repo
from chalicelib.staff import service as staff_service
from chalicelib.core.web import Caller

MERCHANT_ID = "m_demo"
STORE_ID = "s_demo"

STAFF = [
    # staff_id, name, role, PIN
    ("u_admin", "Rina Admin", "admin", "135790"),
    ("u_sari", "Sari Kasir", "cashier", "246810"),
    ("u_budi", "Budi Kasir", "cashier", "112358"),
    ("u_dewi", "Dewi CS", "cs", "357913"),
    ("u_agus", "Agus Gudang", "warehouse", "468024"),
]

# sku, name, price (rupiah), weight in grams, category
PRODUCTS = [
    ("KOPI-250", "Kopi Susu Gula Aren 250 ml", 18_000, 280, "Minuman"),
    ("TEH-350", "Teh Melati Dingin 350 ml", 8_000, 370, "Minuman"),
    ("AIR-600", "Air Mineral 600 ml", 4_000, 620, "Minuman"),
    ("ROTI-COK", "Roti Sobek Cokelat", 15_500, 200, "Roti"),
    ("ROTI-KEJU", "Roti Keju Manis", 12_000, 120, "Roti"),
    ("KRIPIK-BLD", "Keripik Singkong Balado 150 g", 14_000, 160, "Camilan"),
    ("KACANG-AT", "Kacang Atom Pedas 100 g", 9_500, 110, "Camilan"),
    ("MIE-GRG", "Mi Goreng Spesial", 3_500, 90, "Makanan"),
    ("BERAS-5", "Beras Pandan Wangi 5 kg", 78_000, 5_050, "Sembako"),
    ("GULA-1", "Gula Pasir 1 kg", 17_500, 1_020, "Sembako"),
    ("MINYAK-2", "Minyak Goreng 2 L", 36_000, 1_900, "Sembako"),
    ("TELUR-10", "Telur Ayam Negeri isi 10", 28_000, 650, "Sembako"),
    ("SABUN-CR", "Sabun Cair Lavender 400 ml", 24_900, 430, "Rumah Tangga"),
    ("SAMPO-170", "Sampo Lidah Buaya 170 ml", 21_000, 190, "Perawatan"),
    ("PASTA-GG", "Pasta Gigi Herbal 150 g", 13_500, 170, "Perawatan"),
    ("TISU-250", "Tisu Wajah 250 lembar", 16_000, 300, "Rumah Tangga"),
    ("BATIK-M", "Kemeja Batik Parang Ukuran M", 185_000, 350, "Fashion"),
    ("BATIK-L", "Kemeja Batik Parang Ukuran L", 185_000, 370, "Fashion"),
    ("TOTE-KNV", "Tas Tote Kanvas Sambung", 65_000, 250, "Fashion"),
    ("KAOS-HTM", "Kaos Polos Hitam Ukuran L", 59_000, 200, "Fashion"),
    ("SAMBAL-BW", "Sambal Bawang Botol 200 g", 27_500, 320, "Makanan"),
    ("MADU-250", "Madu Hutan 250 ml", 89_000, 400, "Makanan"),
    ("CHARGER-C", "Kabel Data USB-C 1 m", 45_000, 80, "Elektronik"),
    ("LILIN-AR", "Lilin Aromaterapi Sereh", 38_500, 210, "Rumah Tangga"),
]


def ean13(n: int) -> str:
    """A valid EAN-13 in Indonesia's GS1 prefix 899 (demo company 12345)."""
    body = f"89912345{n:04d}"
    return body + str(catalog_model.gtin_check_digit(body))


# Opening stock per location for every product.
OPENING_STOCK = {"WAREHOUSE": 50, "CS": 10, "SHOP": 20}


# Where the demo store's parcels are picked up (the local stack books couriers from here).
SHIPPING_ORIGIN = {"contact_name": "Toko Demo", "contact_phone": "+6281311112222",
                   "address": "Jl. Kemang Raya No. 8, Jakarta Selatan", "postal_code": "12730"}


def seed(*, gateway: dict | None = None, shipping: dict | None = None, pairing_kinds=("kiosk", "backoffice", "print_station")) -> dict:
    """Create the demo merchant. Returns what people and tests need: ids, PINs, pairing codes, a back-office token."""
    staff_service.create_merchant(
        "Sambung Demo", "Toko Demo", timezone="Asia/Jakarta", merchant_id=MERCHANT_ID, store_id=STORE_ID,
        address="Jl. Kemang Raya No. 8, Jakarta Selatan 12730",
        settings={"bank_accounts": [{"bank": "BCA", "account_no": "1234567890", "holder": "PT Sambung Demo"}],
                  "gateway": gateway or {"provider": "midtrans"}, **({"shipping": shipping} if shipping else {})},
    )
    for staff_id, name, role, pin in STAFF:
        staff_service.add_staff(MERCHANT_ID, STORE_ID, name, role, pin, staff_id=staff_id)
    products = []
    for i, (sku, name, price, weight, category) in enumerate(PRODUCTS, 1):
        p = catalog_model.new_product({"sku": sku, "name": name, "barcode": ean13(i), "price": price,
                                       "weight_g": weight, "category": category})
        catalog_repo.insert(MERCHANT_ID, p)
        products.append(p)
    for p in products:
        units.commit(lambda uow, sku=p.sku: [
            inventory_repo.move_on_hand(uow, STORE_ID, sku, location, qty, reason="seed", reference="seed", actor="seed",
                                        entry_id=f"seed#{sku}#{location}") for location, qty in OPENING_STOCK.items()])
    admin = Caller(merchant_id=MERCHANT_ID, store_id=STORE_ID, role="admin", device_id="seed", staff_id="u_admin")
    # A back-office device already paired, so admins and tests can start at the PIN screen.
    code = staff_service.create_pairing_code(admin, "backoffice")["code"]
    backoffice = staff_service.pair_device(code, "Back office (seed)")
    pairing_codes = {kind: staff_service.create_pairing_code(admin, kind)["code"] for kind in pairing_kinds}
    return {
        "merchant_id": MERCHANT_ID,
        "store_id": STORE_ID,
        "store_name": "Toko Demo",
        "staff": [{"staff_id": s, "name": n, "role": r, "pin": p} for s, n, r, p in STAFF],
        "products": [{"sku": p.sku, "name": p.name, "barcode": p.barcode, "price": p.price} for p in products],
        "pairing_codes": pairing_codes,
        "backoffice_device_token": backoffice["device_token"],
    }

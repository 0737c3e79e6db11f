// Cek Stok: per product and location what is on hand, booked ("dipesan") and free, the CS desk
// first; a product's movements (the ledger); for admins, goods received, corrections and counts.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah, groupThousands } from "../js/format.js";
import { ItemPicker, errorText, toast, when } from "./common.js";

const REASONS = {
  seed: "Stok awal", receive: "Barang masuk", adjust: "Koreksi", count: "Stok opname", sale: "Penjualan toko",
  book_order_sale: "Penjualan book order", drop_order: "Drop order", drop_return: "Retur drop order", return: "Retur",
};
const LOCATIONS = { CS: "Meja CS", WAREHOUSE: "Gudang", SHOP: "Toko" };

let search = null; // the current page's search, for scans

export function onScan(code) {
  search?.(code);
}

export function mount(root, me) {
  const query = h("input", { class: "input", id: "stock-q", placeholder: "SKU, barcode atau nama barang", autocomplete: "off" });
  const results = h("div", {});
  const ledgerBox = h("section", { class: "panel", hidden: true });

  search = async (q) => {
    query.value = q;
    if (!q.trim()) return;
    try {
      const data = await api.call("GET", `/inventory/stock?q=${encodeURIComponent(q.trim())}`);
      replace(results, data.products.length ? data.products.map((p) => productCard(p)) :
        h("p", { class: "empty" }, `Tidak ada barang untuk "${q}".`));
    } catch (err) {
      replace(results, h("p", { class: "form-error" }, errorText(err)));
    }
  };

  function productCard(p) {
    return h("article", { class: "card" },
      h("div", { class: "card-head" },
        h("h3", {}, `${p.sku} · ${p.name}`),
        h("span", { class: "muted" }, `${p.barcode || "tanpa barcode"} · ${formatRupiah(p.price)}`)),
      h("table", { class: "table" },
        h("thead", {}, h("tr", {}, h("th", {}, "Lokasi"), h("th", { class: "num" }, "Ada"),
          h("th", { class: "num" }, "Dipesan"), h("th", { class: "num" }, "Tersedia"))),
        h("tbody", {}, p.locations.map((lv) => h("tr", { class: lv.location === "CS" ? "cs-desk" : "" },
          h("td", {}, lv.label), h("td", { class: "num" }, groupThousands(lv.on_hand)),
          h("td", { class: "num" }, groupThousands(lv.reserved)),
          h("td", { class: `num ${lv.available < 0 ? "negative" : ""}` }, groupThousands(lv.available))))),
        h("tfoot", {}, h("tr", {}, h("th", {}, "Total"), h("th", { class: "num" }, groupThousands(p.total.on_hand)),
          h("th", { class: "num" }, groupThousands(p.total.reserved)), h("th", { class: "num" }, groupThousands(p.total.available))))),
      me.role === "cashier" ? null : h("div", { class: "actions" },
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => showLedger(p.sku) }, "Riwayat stok")));
  }

  async function showLedger(sku) {
    ledgerBox.hidden = false;
    try {
      const data = await api.call("GET", `/inventory/ledger?sku=${encodeURIComponent(sku)}&limit=100`);
      replace(ledgerBox, h("h2", {}, `Riwayat stok ${sku}`),
        h("table", { class: "table" },
          h("thead", {}, h("tr", {}, ["Waktu", "Lokasi", "Perubahan", "Alasan", "Referensi", "Oleh"].map((t, i) =>
            h("th", { class: i === 2 ? "num" : "" }, t)))),
          h("tbody", {}, data.entries.map((e) => h("tr", {},
            h("td", {}, when(e.at)), h("td", {}, LOCATIONS[e.location] || e.location),
            h("td", { class: `num ${e.delta < 0 ? "negative" : "positive"}` }, `${e.delta > 0 ? "+" : ""}${groupThousands(e.delta)}`),
            h("td", {}, REASONS[e.reason] || e.reason, e.note ? h("div", { class: "hint" }, e.note) : null),
            h("td", {}, e.reference), h("td", {}, e.actor))))));
      ledgerBox.scrollIntoView({ behavior: "smooth" });
    } catch (err) {
      replace(ledgerBox, h("p", { class: "form-error" }, errorText(err)));
    }
  }

  replace(root,
    h("section", { class: "panel" },
      h("h2", {}, "Cek stok"),
      h("form", { class: "inline", onsubmit: (event) => { event.preventDefault(); search(query.value); } },
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Cari barang (atau scan barcode)"), query),
        h("button", { type: "submit", class: "btn btn-primary" }, "Cek")),
      results),
    ledgerBox,
    me.role === "admin" ? adjustmentsPanel() : null);
  query.focus();
  return () => { search = null; };
}

function adjustmentsPanel() {
  const intent = new api.Intent();
  const location = h("select", { class: "input input-small", id: "adj-location" },
    Object.entries(LOCATIONS).map(([value, label]) => h("option", { value }, label)));
  const reason = h("select", { class: "input input-small", id: "adj-reason" },
    h("option", { value: "receive" }, "Barang masuk (tambah)"), h("option", { value: "adjust" }, "Koreksi (+/-)"),
    h("option", { value: "count" }, "Stok opname (hasil hitung)"));
  const note = h("input", { class: "input input-small", maxlength: 200, placeholder: "mis. PO-17, barang rusak" });
  const picker = new ItemPicker({ qtyLabel: "Jumlah", allowNegative: true });
  const error = h("p", { class: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Simpan penyesuaian");
  reason.addEventListener("change", () => { picker.allowNegative = reason.value !== "receive"; picker.render(); });
  return h("form", { class: "panel", onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!picker.lines.length) {
      error.textContent = "Tambahkan barang dulu.";
      return;
    }
    const items = picker.lines.map((l) => (reason.value === "count" ? { sku: l.sku, counted: l.qty } : { sku: l.sku, delta: l.qty }));
    submit.disabled = true;
    try {
      const result = await intent.run((key) => api.call("POST", "/inventory/adjustments", {
        body: { location: location.value, reason: reason.value, items, note: note.value.trim() || null }, idempotencyKey: key }));
      if (result) {
        toast(`Stok disimpan (${result.changes.length} barang).`);
        picker.clear();
        note.value = "";
      }
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      submit.disabled = false;
    }
  } },
  h("h2", {}, "Penyesuaian stok (admin)"),
  h("p", { class: "hint" }, "Stok opname: isi jumlah hasil hitung per barang. Barang yang sedang dipesan pelanggan tidak bisa dikurangi."),
  h("div", { class: "fields" },
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Lokasi"), location),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Jenis"), reason),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Catatan"), note)),
  picker.el, error, submit);
}

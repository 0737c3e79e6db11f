// What the back-office pages share: messages, times in the store's zone, countdowns on the
// server's clock, rupiah and phone fields as people type them, and the item picker (scan a
// barcode, type an SKU, or search a name).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah, formatWib, groupLocalPhone } from "../js/format.js";

const toastEl = document.getElementById("toast");
let toastTimer = null;

export function toast(message, kind = "info") {
  toastEl.textContent = message;
  toastEl.dataset.kind = kind;
  toastEl.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toastEl.hidden = true; }, 4000);
}

export function errorText(err) {
  return err instanceof api.ApiError ? err.message : "Terjadi kesalahan. Coba lagi.";
}

/** The signed-in person and store, set by the shell after /auth/me. */
export const session = { me: null };

export const when = (epoch) => (epoch ? formatWib(epoch, session.me?.store?.timezone || "Asia/Jakarta") : "-");

/** Seconds left -> "1:59:07" or "04:05"; "00:00" once it is over. */
export function countdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** "150.000", "Rp 150.000" or "150000" -> 150000; null when it is not a whole amount of rupiah. */
export function parseRupiah(text) {
  const cleaned = String(text).replace(/\s|rp/gi, "").replace(/\./g, "");
  return /^\d{1,12}$/.test(cleaned) ? Number(cleaned) : null;
}

/** A money field that shows thousands separators while the person types. */
export function rupiahInput(attrs = {}) {
  const input = h("input", { class: "input", inputmode: "numeric", autocomplete: "off", placeholder: "0", ...attrs });
  input.addEventListener("input", () => {
    const value = parseRupiah(input.value);
    if (value !== null) input.value = formatRupiah(value).slice(2);
  });
  return input;
}

/** A phone field shown as 0812-3456-7890 while typed; the server normalises whatever it gets. */
export function phoneInput(attrs = {}) {
  const input = h("input", { class: "input", type: "tel", inputmode: "tel", autocomplete: "off",
    placeholder: "0812-3456-7890", ...attrs });
  input.addEventListener("input", () => {
    const digits = input.value.replace(/\D/g, "");
    if (!input.value.trim().startsWith("+") && digits.startsWith("0")) input.value = groupLocalPhone(digits);
  });
  return input;
}

/** A PDF from the API opened in a new tab (the session travels in a header, not in a link). */
export async function openPdf(path) {
  const credential = api.session.get();
  const response = await fetch(`/api${path}`, {
    headers: { Accept: "application/pdf", Authorization: `Bearer ${credential ? credential.token : ""}` }, cache: "no-store",
  });
  if (!response.ok) {
    const payload = await response.json().catch(() => null);
    throw new api.ApiError(response.status, payload?.error?.code || `http_${response.status}`,
      payload?.error?.message || "PDF tidak bisa dibuka. Coba lagi.");
  }
  window.open(URL.createObjectURL(await response.blob()), "_blank", "noopener");
}

export function badge(status, label) {
  return h("span", { class: `badge badge-${status}` }, label || status);
}

/**
 * A list of items built by scanning barcodes, typing an SKU or searching a name.
 * picker.lines -> [{sku, name, barcode, qty}]; picker.add(code) adds one of a scanned code.
 * `qtyLabel` names the number column ("Jumlah", "Perubahan"); `allowNegative` for corrections.
 */
export class ItemPicker {
  constructor({ qtyLabel = "Jumlah", allowNegative = false, onChange = () => {} } = {}) {
    this.lines = [];
    this.allowNegative = allowNegative;
    this.onChange = onChange;
    this.list = h("div", { class: "lines", "aria-label": "Barang" });
    this.results = h("div", { class: "results" });
    this.query = h("input", { class: "input", placeholder: "Scan barcode, ketik SKU atau nama barang", autocomplete: "off",
      "aria-label": "Cari barang" });
    this.query.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.search(this.query.value.trim());
      }
    });
    this.qtyLabel = qtyLabel;
    this.el = h("div", {},
      h("div", { class: "inline" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Barang"), this.query),
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.search(this.query.value.trim()) }, "Cari")),
      this.results, this.list);
    this.render();
  }

  /** A scanned barcode (or an exact SKU): one more of it. */
  async add(code) {
    try {
      const product = /^\d{8,14}$/.test(code)
        ? await api.productByBarcode(code)
        : await api.call("GET", `/catalog/products/${encodeURIComponent(code.toUpperCase())}`);
      this.put(product, 1);
    } catch (err) {
      toast(errorText(err), "error");
    }
  }

  async search(q) {
    if (!q) return;
    if (/^\d{8,14}$/.test(q)) {
      this.query.value = "";
      await this.add(q);
      return;
    }
    try {
      const { products } = await api.searchProducts(q, 12);
      if (products.length === 1) {
        this.put(products[0], 1);
        this.query.value = "";
        replace(this.results);
        return;
      }
      replace(this.results, products.length ? products.map((p) => h("button", {
        type: "button", class: "btn btn-secondary",
        onclick: () => { this.put(p, 1); replace(this.results); this.query.value = ""; },
      }, `${p.sku} · ${p.name}`)) : h("p", { class: "empty" }, "Barang tidak ditemukan."));
    } catch (err) {
      toast(errorText(err), "error");
    }
  }

  put(product, qty) {
    const line = this.lines.find((l) => l.sku === product.sku);
    if (line) line.qty += qty;
    else this.lines.push({ sku: product.sku, name: product.name, barcode: product.barcode, price: product.price, qty });
    this.render();
  }

  clear() {
    this.lines = [];
    this.render();
  }

  render() {
    replace(this.list, this.lines.length ? this.lines.map((line) => {
      const qty = h("input", { class: "input qty-input", type: "number", step: 1, min: this.allowNegative ? undefined : 1,
        value: line.qty, "aria-label": `${this.qtyLabel} ${line.sku}` });
      qty.addEventListener("change", () => {
        const n = Number(qty.value);
        if (Number.isInteger(n) && (this.allowNegative ? n !== 0 : n > 0)) line.qty = n;
        qty.value = line.qty;
        this.onChange(this.lines);
      });
      return h("div", { class: "line" },
        h("div", {}, h("strong", {}, line.sku), " ", line.name),
        qty,
        h("button", { type: "button", class: "btn btn-link", "aria-label": `Hapus ${line.sku}`, onclick: () => {
          this.lines = this.lines.filter((l) => l !== line);
          this.render();
        } }, "Hapus"));
    }) : h("p", { class: "empty" }, "Belum ada barang. Scan barcode atau cari nama barang."));
    this.onChange(this.lines);
  }
}

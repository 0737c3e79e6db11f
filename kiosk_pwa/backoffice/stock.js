// Cek Stok: per product and location what is on hand, booked ("dipesan") and free, the CS desk
// first; a product's movements (the ledger: what each came from by its number, linked to the section
// that shows it, and who moved it by name); for admins, goods received, corrections and counts.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah, groupThousands } from "../js/format.js";
import { t } from "../js/i18n.js";
import { ItemPicker, errorLine, errorText, session, toast, when } from "./common.js";

const REASONS = {
  seed: "bo.stock.reason.seed", receive: "bo.stock.reason.receive", adjust: "bo.stock.reason.adjust",
  count: "bo.stock.reason.count", sale: "bo.stock.reason.sale", book_order_sale: "bo.stock.reason.bookOrderSale",
  drop_order: "bo.stock.reason.dropOrder", drop_return: "bo.stock.reason.dropReturn", refund: "bo.stock.reason.return",
};
const LOCATIONS = { CS: "bo.stock.location.cs", WAREHOUSE: "bo.stock.location.warehouse", SHOP: "bo.stock.location.shop" };
// Where a movement's document is shown, and who may open that section (the shell's menu says the same):
// a sale and its refunds in Riwayat Penjualan (found there by the sale's number), a drop order in its queue.
const DOCUMENT_PAGES = {
  sale: { hash: "#penjualan", roles: ["cashier", "supervisor", "cs", "admin"], title: "bo.stock.openSale" },
  refund: { hash: "#penjualan", roles: ["cashier", "supervisor", "cs", "admin"], title: "bo.stock.openSale" },
  drop_order: { hash: "#drop", roles: ["cs", "warehouse", "admin"], title: "bo.stock.openDrop" },
};
const LIMITS = { max: 1_000_000 };
// What an admin may type per kind of adjustment (the server's rules): goods in, a correction either way, a count.
const ADJUST_RULES = { receive: { min: 1, ...LIMITS }, adjust: { min: -LIMITS.max, zero: false, ...LIMITS },
  count: { min: 0, ...LIMITS } };

/** The ledger's reference cell: the document's number, linked where the person may open it. */
function documentCell(doc, role) {
  if (!doc) return "-";
  if (doc.kind === "adjustment") return t("bo.stock.adjustmentRef");
  if (!doc.number) return h("span", { class: "muted" }, doc.id);
  const page = DOCUMENT_PAGES[doc.kind];
  if (!page || !page.roles.includes(role)) return doc.number;
  return h("a", { href: page.hash, title: t(page.title, { number: doc.number }), onclick: () => {
    if (doc.kind === "drop_order") session.openDrop = doc.id;
  } }, doc.number);
}

/** Who moved it: the person's (or device's) name; the system for what no person did. */
function actorName(e) {
  if (e.actor_name) return e.actor_name;
  return e.actor === "system" || e.actor === "seed" ? t("bo.stock.system") : e.actor;
}

let search = null; // the current page's search, for scans

export function onScan(code) {
  search?.(code);
}

export function mount(root, me) {
  const query = h("input", { class: "input", id: "stock-q", placeholder: t("bo.stock.placeholder"), autocomplete: "off" });
  const results = h("div", {});
  const ledgerBox = h("section", { class: "panel", hidden: true });

  search = async (q) => {
    query.value = q;
    if (!q.trim()) return;
    try {
      const data = await api.call("GET", `/inventory/stock?q=${encodeURIComponent(q.trim())}`);
      replace(results, data.products.length ? data.products.map((p) => productCard(p)) :
        h("p", { class: "empty" }, t("bo.stock.noResults", { q })));
    } catch (err) {
      replace(results, h("p", { class: "form-error" }, errorText(err)));
    }
  };

  function productCard(p) {
    return h("article", { class: "card" },
      h("div", { class: "card-head" },
        h("h3", {}, `${p.sku} · ${p.name}`),
        h("span", { class: "muted" }, `${p.barcode || t("bo.stock.noBarcode")} · ${formatRupiah(p.price)}`)),
      h("table", { class: "table" },
        h("thead", {}, h("tr", {}, h("th", {}, t("bo.stock.location")), h("th", { class: "num" }, t("bo.stock.onHand")),
          h("th", { class: "num" }, t("bo.stock.reserved")), h("th", { class: "num" }, t("bo.stock.available")))),
        h("tbody", {}, p.locations.map((lv) => h("tr", { class: lv.location === "CS" ? "cs-desk" : "" },
          h("td", {}, lv.label), h("td", { class: "num" }, groupThousands(lv.on_hand)),
          h("td", { class: "num" }, groupThousands(lv.reserved)),
          h("td", { class: `num ${lv.available < 0 ? "negative" : ""}` }, groupThousands(lv.available))))),
        h("tfoot", {}, h("tr", {}, h("th", {}, t("bo.stock.total")), h("th", { class: "num" }, groupThousands(p.total.on_hand)),
          h("th", { class: "num" }, groupThousands(p.total.reserved)), h("th", { class: "num" }, groupThousands(p.total.available))))),
      ["cashier", "supervisor"].includes(me.role) ? null : h("div", { class: "actions" },
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => showLedger(p.sku) }, t("bo.stock.ledger"))));
  }

  async function showLedger(sku) {
    ledgerBox.hidden = false;
    try {
      const data = await api.call("GET", `/inventory/ledger?sku=${encodeURIComponent(sku)}&limit=100`);
      replace(ledgerBox, h("h2", {}, t("bo.stock.ledgerOf", { sku })),
        h("table", { class: "table" },
          h("thead", {}, h("tr", {}, ["bo.stock.at", "bo.stock.location", "bo.stock.change", "bo.stock.reason",
            "bo.stock.reference", "bo.stock.by"].map((key, i) => h("th", { class: i === 2 ? "num" : "" }, t(key))))),
          h("tbody", {}, data.entries.map((e) => h("tr", {},
            h("td", {}, when(e.at)), h("td", {}, LOCATIONS[e.location] ? t(LOCATIONS[e.location]) : e.location),
            h("td", { class: `num ${e.delta < 0 ? "negative" : "positive"}` }, `${e.delta > 0 ? "+" : ""}${groupThousands(e.delta)}`),
            h("td", {}, REASONS[e.reason] ? t(REASONS[e.reason]) : e.reason, e.note ? h("div", { class: "hint" }, e.note) : null),
            h("td", {}, documentCell(e.document, me.role)), h("td", {}, actorName(e)))))));
      ledgerBox.scrollIntoView({ behavior: "smooth" });
    } catch (err) {
      replace(ledgerBox, h("p", { class: "form-error" }, errorText(err)));
    }
  }

  replace(root,
    h("section", { class: "panel" },
      h("h2", {}, t("bo.stock.title")),
      h("form", { class: "inline", onsubmit: (event) => { event.preventDefault(); search(query.value); } },
        h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.stock.searchLabel")), query),
        h("button", { type: "submit", class: "btn btn-primary" }, t("bo.stock.check"))),
      results),
    ledgerBox,
    me.role === "admin" ? adjustmentsPanel() : null);
  query.focus();
  return () => { search = null; };
}

function adjustmentsPanel() {
  const intent = new api.Intent();
  const location = h("select", { class: "input input-small", id: "adj-location" },
    Object.entries(LOCATIONS).map(([value, key]) => h("option", { value }, t(key))));
  const reason = h("select", { class: "input input-small", id: "adj-reason" },
    h("option", { value: "receive" }, t("bo.stock.adjust.receive")), h("option", { value: "adjust" }, t("bo.stock.adjust.adjust")),
    h("option", { value: "count" }, t("bo.stock.adjust.count")));
  const note = h("input", { class: "input input-small", maxlength: 200, placeholder: t("bo.stock.adjust.notePlaceholder") });
  const picker = new ItemPicker({ qtyRule: ADJUST_RULES[reason.value] });
  const error = errorLine();
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("bo.stock.adjust.submit"));
  reason.addEventListener("change", () => picker.setRule(ADJUST_RULES[reason.value]));
  return h("form", { class: "panel", onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!picker.lines.length) {
      error.textContent = t("bo.common.addItemsFirst");
      return;
    }
    if (picker.refuse(error)) return;
    const items = picker.lines.map((l) => (reason.value === "count" ? { sku: l.sku, counted: l.qty } : { sku: l.sku, delta: l.qty }));
    submit.disabled = true;
    try {
      const result = await intent.run((key) => api.call("POST", "/inventory/adjustments", {
        body: { location: location.value, reason: reason.value, items, note: note.value.trim() || null }, idempotencyKey: key }));
      if (result) {
        error.textContent = "";
        toast(t("bo.stock.adjust.saved", { count: result.changes.length }));
        picker.clear();
        note.value = "";
      }
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      submit.disabled = false;
    }
  } },
  h("h2", {}, t("bo.stock.adjust.title")),
  h("p", { class: "hint" }, t("bo.stock.adjust.hint")),
  h("div", { class: "fields" },
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.stock.location")), location),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.stock.adjust.kind")), reason),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.common.note")), note)),
  picker.el, error, submit);
}

// The cart. Scanning works anywhere on this screen (scanners type the code and Enter); people
// search by name and tap a product. Prices here are for the cashier's eyes only: the server
// prices the sale again from the catalogue when the order is created. The cashier picks the tender
// before anything is charged: "Bayar QRIS" (the big button) opens a QR, "Bayar Tunai" creates a cash
// sale with no QRIS charge at all and goes to the cash screen.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { formatRupiah } from "../format.js";
import { t } from "../i18n.js";
import { listenForScans } from "../scanner.js";
import { pointsText } from "./shopper.js";

const SEARCH_DELAY_MS = 250;
const MAX_QTY = 999; // the sales API's limit per line
const CONFIRM_MS = 3000;

// Products already seen by barcode this session: a second scan of the same item needs no request.
const byBarcode = new Map();

export function mount(root, app) {
  const sale = app.state.sale;
  let searchTimer = null;
  let searchSeq = 0;
  let scanQueue = Promise.resolve();
  let clearArmedUntil = 0;

  const lines = h("ul", { class: "cart-lines", id: "cart-lines", "aria-label": t("cart.lines") });
  const count = h("span", { class: "count", id: "cart-count" });
  const total = h("p", { class: "total-amount", id: "cart-total", "aria-live": "polite" });
  const error = h("p", { class: "form-error", role: "alert", id: "cart-error" });
  const lanjut = h("button", { type: "button", class: "btn btn-primary btn-xl", id: "cart-continue", onclick: () => checkout("QRIS") },
    t("cart.payQris"));
  const cashButton = h("button", { type: "button", class: "btn btn-secondary btn-xl", id: "cart-cash", onclick: () => checkout("CASH") },
    t("cart.payCash"));
  const clearButton = h("button", { type: "button", class: "btn btn-secondary", id: "cart-clear", onclick: clearCart }, t("cart.clear"));
  const search = h("input", {
    id: "product-search", class: "input", type: "search", autocomplete: "off", enterkeyhint: "search",
    placeholder: t("cart.searchPlaceholder"), oninput: () => scheduleSearch(),
  });
  const results = h("ul", { class: "product-results", id: "product-results", "aria-label": t("cart.results") });

  function changed() {
    app.state.saleIntent.reset(); // another cart is another sale: a new Idempotency-Key
    app.saveSale();
    draw();
  }

  function add(product, qty = 1) {
    const line = sale.cart.find((l) => l.sku === product.sku);
    if (line) line.qty = Math.min(MAX_QTY, line.qty + qty);
    else sale.cart.push({ sku: product.sku, name: product.name, price: product.price, barcode: product.barcode, qty });
    error.textContent = "";
    changed();
    app.toast(t("cart.added", { name: product.name }));
  }

  function setQty(sku, qty) {
    const index = sale.cart.findIndex((l) => l.sku === sku);
    if (index < 0) return;
    if (qty <= 0) sale.cart.splice(index, 1);
    else sale.cart[index].qty = Math.min(MAX_QTY, qty);
    changed();
  }

  function draw() {
    const items = sale.cart.reduce((sum, l) => sum + l.qty, 0);
    count.textContent = t("cart.itemCount", { count: items });
    total.textContent = formatRupiah(sale.cart.reduce((sum, l) => sum + l.qty * l.price, 0));
    lanjut.disabled = sale.cart.length === 0;
    cashButton.disabled = sale.cart.length === 0;
    clearButton.disabled = sale.cart.length === 0;
    if (!sale.cart.length) {
      replace(lines, h("li", { class: "empty" }, t("cart.empty")));
      return;
    }
    replace(lines, sale.cart.map((line) =>
      h("li", { class: "cart-line", dataset: { sku: line.sku } },
        h("div", { class: "line-info" },
          h("span", { class: "line-name" }, line.name),
          h("span", { class: "line-price" }, `${formatRupiah(line.price)} × ${line.qty}`)),
        h("div", { class: "qty", role: "group", "aria-label": t("cart.qtyFor", { name: line.name }) },
          h("button", { type: "button", class: "btn btn-icon", "aria-label": t("cart.less", { name: line.name }), onclick: () => setQty(line.sku, line.qty - 1) }, "−"),
          h("output", { class: "qty-value", "aria-label": t("cart.qty") }, String(line.qty)),
          h("button", { type: "button", class: "btn btn-icon", "aria-label": t("cart.more", { name: line.name }), disabled: line.qty >= MAX_QTY, onclick: () => setQty(line.sku, line.qty + 1) }, "+")),
        h("span", { class: "line-total" }, formatRupiah(line.price * line.qty)),
        h("button", { type: "button", class: "btn btn-icon btn-remove", "aria-label": t("cart.remove", { name: line.name }), onclick: () => setQty(line.sku, 0) }, "✕"))));
  }

  function onScan(code) {
    // One at a time, in order: two quick scans of the same item must end as qty 2.
    scanQueue = scanQueue.then(async () => {
      try {
        const product = byBarcode.get(code) || (await api.productByBarcode(code));
        byBarcode.set(code, product);
        add(product);
      } catch (err) {
        error.textContent = err.code === "barcode_unknown" ? t("cart.unknownBarcode", { code }) : app.errorText(err);
        app.toast(error.textContent, "error");
      }
    });
  }

  function scheduleSearch() {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, SEARCH_DELAY_MS);
  }

  async function runSearch() {
    const seq = ++searchSeq;
    const q = search.value.trim();
    try {
      const answer = await api.searchProducts(q);
      if (seq !== searchSeq) return; // an older answer arriving late
      const found = answer.products.filter((p) => p.active);
      if (!found.length) {
        replace(results, h("li", { class: "empty" }, t("cart.noResults", { q })));
        return;
      }
      replace(results, found.map((p) =>
        h("li", {},
          h("button", { type: "button", class: "product-button", dataset: { sku: p.sku }, onclick: () => add(p) },
            h("span", { class: "product-name" }, p.name),
            h("span", { class: "product-price" }, formatRupiah(p.price))))));
    } catch (err) {
      if (seq === searchSeq) replace(results, h("li", { class: "empty" }, app.errorText(err)));
    }
  }

  function clearCart() {
    // Two taps: one stray touch must not throw away a full basket.
    if (Date.now() > clearArmedUntil) {
      clearArmedUntil = Date.now() + CONFIRM_MS;
      clearButton.textContent = t("cart.clearConfirm");
      setTimeout(() => { clearButton.textContent = t("cart.clear"); }, CONFIRM_MS);
      return;
    }
    clearArmedUntil = 0;
    clearButton.textContent = t("cart.clear");
    sale.cart = [];
    changed();
  }

  async function checkout(method) {
    const intent = app.state.saleIntent;
    if (!sale.cart.length || intent.busy) return;
    // A tap whose answer was lost is repeated as it was sent (same key, same body), whichever button
    // comes next: the server may already have made that sale, and a second one must never be made.
    const sent = intent.unsettled && app.state.saleMethod ? app.state.saleMethod : method;
    app.state.saleMethod = sent;
    const button = method === "CASH" ? cashButton : lanjut;
    if (method === "QRIS") {
      // Marks for the browser suite's "Lanjut to QR" timing (also visible in DevTools).
      performance.clearMarks("kasir:lanjut");
      performance.mark("kasir:lanjut");
    }
    lanjut.disabled = true;
    cashButton.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = method === "CASH" ? t("cart.creatingCash") : t("cart.creating");
    error.textContent = "";
    const body = { items: sale.cart.map((l) => ({ sku: l.sku, qty: l.qty })), payment_method: sent };
    if (sale.shopper) body.shopper_id = sale.shopper.shopper_id;
    try {
      const order = await intent.run((key) => api.createSale(body, key));
      if (!order) return;
      if (method === "CASH" && order.status === "AWAITING_PAYMENT" && order.attempt) {
        // The lost tap had opened a QR: cash is still taken for it (the server settles the QR first).
        sale.order = order;
        app.saveSale();
        app.go("payment", { mode: "cash" });
      } else {
        app.showOrder(order);
      }
    } catch (err) {
      error.textContent = app.errorText(err);
      button.removeAttribute("aria-busy");
      lanjut.textContent = t("cart.payQris");
      cashButton.textContent = t("cart.payCash");
      draw();
    }
  }

  const shopperLine = sale.shopper
    ? h("p", { class: "shopper-chip", id: "cart-shopper" },
      h("strong", {}, sale.shopper.name), " · ", pointsText(sale.shopper))
    : h("p", { class: "shopper-chip muted", id: "cart-shopper" }, t("cart.noShopper"));

  root.append(h("section", { class: "screen screen-cart split split-cart", "aria-labelledby": "cart-title" },
    h("div", { class: "panel catalog-panel" },
      h("div", { class: "row" },
        shopperLine,
        h("button", { type: "button", class: "btn btn-link", onclick: () => app.go("shopper") }, t("cart.changeShopper"))),
      h("label", { for: "product-search", class: "field-label" }, t("cart.search")),
      search,
      h("p", { class: "hint scan-hint" }, t("cart.scanHint")),
      results),
    h("div", { class: "panel cart-panel" },
      h("div", { class: "row" }, h("h2", { id: "cart-title" }, t("cart.title")), count),
      lines,
      h("div", { class: "totals" }, h("span", {}, t("cart.total")), total),
      error,
      h("div", { class: "actions cart-actions" }, clearButton, cashButton, lanjut))));
  draw();
  runSearch();
  const stopScanning = listenForScans(onScan);
  return () => {
    stopScanning();
    clearTimeout(searchTimer);
  };
}

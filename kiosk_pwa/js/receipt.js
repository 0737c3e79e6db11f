// The shopper's digital receipt at /receipt.html#<token>: the link from the WhatsApp/SMS message
// and the QR on the kiosk's success page. The token stays in the #fragment so it never reaches
// server logs or other sites; the page asks the public receipt API and shows the sale.
import { ApiError, digitalReceipt, receiptPdfUrl } from "./api.js";
import { h, replace } from "./dom.js";
import { formatRupiah, formatWib } from "./format.js";
import { setLanguage, t } from "./i18n.js";

const main = document.getElementById("receipt");

function row(label, value, className) {
  return h("div", { class: className }, h("dt", {}, label), h("dd", {}, value));
}

function paymentText(r) {
  if (r.payment_method === "CASH") return t("receipt.cash");
  return r.payment_issuer ? `${r.payment_method} · ${r.payment_issuer.toUpperCase()}` : r.payment_method;
}

function render(r, token) {
  document.title = `${t("receipt.title")} ${r.order_number} · ${r.merchant_name}`;
  replace(main,
    h("header", { class: "head" },
      h("h1", {}, r.merchant_name),
      h("p", {}, r.store_name),
      r.store_address ? h("p", { class: "address" }, r.store_address) : null),
    h("h2", { class: "title" }, t("receipt.title")),
    h("dl", { class: "meta" },
      row(t("receipt.orderNo"), r.order_number),
      row(t("receipt.date"), formatWib(r.paid_at, r.tz)),
      row(t("receipt.cashier"), r.cashier_name),
      r.shopper_phone_masked ? row(t("receipt.shopper"), r.shopper_phone_masked) : null),
    h("ul", { class: "items", "aria-label": t("receipt.items") }, r.items.map((item) =>
      h("li", { class: "item" },
        h("span", { class: "name" }, item.name),
        h("span", { class: "qty" }, `${item.qty} × ${formatRupiah(item.unit_price)}`),
        h("span", { class: "line" }, formatRupiah(item.line_total ?? item.qty * item.unit_price))))),
    h("dl", { class: "sums" },
      row(t("receipt.subtotal"), formatRupiah(r.subtotal)),
      r.discount ? row(t("receipt.discount"), formatRupiah(-r.discount)) : null,
      row(t("receipt.total"), formatRupiah(r.total), "total"),
      row(t("receipt.payment"), paymentText(r)),
      r.cash_received != null ? row(t("receipt.cashReceived"), formatRupiah(r.cash_received)) : null,
      r.change != null ? row(t("receipt.change"), formatRupiah(r.change)) : null),
    r.points_earned ? h("p", { class: "points" },
      `${t("receipt.pointsEarned")}: +${r.points_earned}`,
      r.points_balance != null ? ` · ${t("receipt.pointsBalance")}: ${r.points_balance}` : "") : null,
    r.footer ? h("p", { class: "footer" }, r.footer) : null,
    h("a", { class: "pdf", href: receiptPdfUrl(token), target: "_blank", rel: "noopener", id: "receipt-pdf" }, t("receipt.pdf")));
}

function fail(message) {
  replace(main, h("p", { class: "status error", role: "alert" }, message));
}

async function show() {
  const token = decodeURIComponent(window.location.hash.slice(1));
  if (!token) {
    fail(t("receipt.missing"));
    return;
  }
  replace(main, h("p", { class: "status" }, t("receipt.loading")));
  try {
    render(await digitalReceipt(token), token);
  } catch (err) {
    fail(err instanceof ApiError ? err.message : t("error.server"));
  }
}

async function start() {
  // Shoppers get the language their phone asks for; Bahasa Indonesia otherwise.
  await setLanguage(navigator.language && navigator.language.toLowerCase().startsWith("en") ? "en" : "id", { remember: false });
  window.addEventListener("hashchange", show); // another receipt link opened in the same tab
  await show();
}

start();

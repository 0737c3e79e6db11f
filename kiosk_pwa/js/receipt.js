// The shopper's digital receipt at /receipt.html#<token>: the link from the WhatsApp/SMS message
// and the QR on the kiosk's success page or a printed receipt. The token stays in the #fragment so it
// never reaches server logs or other sites; the page asks the public receipt API and shows what the
// token names: a sale (with the refunds done on it since) or a refund/void receipt of its own.
import { ApiError, digitalReceipt, receiptPdfUrl } from "./api.js";
import { h, replace } from "./dom.js";
import { formatRupiah, formatWib, groupThousands } from "./format.js";
import { currentLanguage, hasKey, setLanguage, t } from "./i18n.js";

const main = document.getElementById("receipt");

// Words of the refund receipt and of owed points. The language files take precedence once they
// carry these keys ("receipt.<name>"); until then the page brings its own, in both languages.
const OWN_WORDS = {
  id: {
    refundTitle: "Struk pengembalian", voidTitle: "Struk pembatalan (void)",
    refundOf: "Pengembalian atas struk {order}", voidOf: "Pembatalan (void) atas struk {order}",
    refundNo: "No. pengembalian", voidNo: "No. pembatalan", refundDate: "Tanggal", saleDate: "Tanggal struk asal",
    processedBy: "Diproses oleh", approvedBy: "Disetujui oleh", refundedItems: "Barang dikembalikan",
    refundedAmount: "Dikembalikan", moneyOnly: "Pengembalian dana (tanpa barang)", rounding: "Pembulatan",
    refundTotal: "Total dikembalikan", refundedVia: "Dikembalikan via", reference: "Referensi", reason: "Alasan",
    note: "Catatan", pointsTaken: "Poin ditarik kembali", pointsLeft: "Sisa poin", pointsOwed: "Poin terutang",
    pointsOwedNote: "Poin yang sudah terpakai ditarik kembali: dilunasi dari poin belanja berikutnya.",
    saleReceipt: "Lihat struk asal", refundsOfSale: "Pengembalian atas struk ini", voided: "Transaksi ini dibatalkan (void)",
    openRefund: "Lihat struk pengembalian", transfer: "Transfer bank",
  },
  en: {
    refundTitle: "Refund receipt", voidTitle: "Void receipt",
    refundOf: "Refund of receipt {order}", voidOf: "Void of receipt {order}",
    refundNo: "Refund no.", voidNo: "Void no.", refundDate: "Date", saleDate: "Original receipt date",
    processedBy: "Processed by", approvedBy: "Approved by", refundedItems: "Items returned",
    refundedAmount: "Refunded", moneyOnly: "Money refunded (no items)", rounding: "Rounding",
    refundTotal: "Total refunded", refundedVia: "Refunded via", reference: "Reference", reason: "Reason",
    note: "Note", pointsTaken: "Points taken back", pointsLeft: "Points left", pointsOwed: "Points owed",
    pointsOwedNote: "Points already used were taken back: they are settled from your next purchase's points.",
    saleReceipt: "View the original receipt", refundsOfSale: "Refunds on this receipt", voided: "This sale was voided",
    openRefund: "View the refund receipt", transfer: "Bank transfer",
  },
};

function word(name, params = {}) {
  const key = `receipt.${name}`;
  if (hasKey(key)) return t(key, params);
  const words = OWN_WORDS[currentLanguage()] || OWN_WORDS.id;
  return words[name].replace(/\{(\w+)\}/g, (match, p) => (p in params ? String(params[p]) : match));
}

function row(label, value, className) {
  return h("div", { class: className }, h("dt", {}, label), h("dd", {}, value));
}

function methodText(method, issuer) {
  if (method === "CASH") return t("receipt.cash");
  if (method === "BANK_TRANSFER") return word("transfer");
  return issuer ? `${method} · ${issuer.toUpperCase()}` : method;
}

/** A points balance as the shopper should read it: below zero it is a debt, never a bare minus. */
function pointsLine(balance) {
  return balance < 0
    ? { label: word("pointsOwed"), value: groupThousands(-balance), owed: true }
    : { label: t("receipt.pointsBalance"), value: groupThousands(balance), owed: false };
}

function head(r, title) {
  return [
    h("header", { class: "head" },
      h("h1", {}, r.merchant_name),
      h("p", {}, r.store_name),
      r.store_address ? h("p", { class: "address" }, r.store_address) : null),
    h("h2", { class: "title" }, title),
  ];
}

function pdfLink(token) {
  return h("a", { class: "pdf", href: receiptPdfUrl(token), target: "_blank", rel: "noopener", id: "receipt-pdf" }, t("receipt.pdf"));
}

function renderSale(r, token) {
  document.title = `${t("receipt.title")} ${r.order_number} · ${r.merchant_name}`;
  const refunds = r.refunds || [];
  let points = null;
  if (r.points_earned) {
    const balance = r.points_balance != null ? pointsLine(r.points_balance) : null;
    points = h("p", { class: balance && balance.owed ? "points owed" : "points" },
      `${t("receipt.pointsEarned")}: +${r.points_earned}`,
      balance ? ` · ${balance.label}: ${balance.value}` : "");
  }
  replace(main,
    ...head(r, t("receipt.title")),
    r.voided ? h("p", { class: "banner void", id: "receipt-voided", role: "status" }, word("voided")) : null,
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
      row(t("receipt.payment"), methodText(r.payment_method, r.payment_issuer)),
      r.cash_received != null ? row(t("receipt.cashReceived"), formatRupiah(r.cash_received)) : null,
      r.change != null ? row(t("receipt.change"), formatRupiah(r.change)) : null),
    refunds.length ? h("section", { class: "refunds", id: "receipt-refunds", "aria-label": word("refundsOfSale") },
      h("h3", {}, word("refundsOfSale")),
      h("ul", {}, refunds.map((x) => h("li", { class: "refund" },
        h("span", { class: "name" }, x.kind === "VOID" ? `${x.refund_number} (void)` : x.refund_number),
        h("span", { class: "qty" }, formatWib(x.refunded_at, r.tz)),
        h("span", { class: "line" }, formatRupiah(-x.amount)),
        x.receipt_token ? h("a", { class: "link", href: `#${encodeURIComponent(x.receipt_token)}` }, word("openRefund")) : null))),
      h("dl", { class: "sums" }, row(word("refundTotal"), formatRupiah(-r.refunded), "refunded"))) : null,
    points,
    r.footer ? h("p", { class: "footer" }, r.footer) : null,
    pdfLink(token));
}

function renderRefund(r, token) {
  const title = r.void ? word("voidTitle") : word("refundTitle");
  document.title = `${title} ${r.refund_number} · ${r.merchant_name}`;
  const lines = r.lines || [];
  const rounding = r.amount - lines.reduce((sum, line) => sum + line.amount, 0);
  const balance = r.points_balance != null ? pointsLine(r.points_balance) : null;
  replace(main,
    ...head(r, title),
    h("p", { class: r.void ? "banner void" : "banner refund", id: "refund-of" }, word(r.void ? "voidOf" : "refundOf", { order: r.order_number })),
    h("dl", { class: "meta" },
      row(r.void ? word("voidNo") : word("refundNo"), r.refund_number),
      row(word("refundDate"), formatWib(r.refunded_at, r.tz)),
      row(t("receipt.orderNo"), r.order_number),
      r.sale_paid_at ? row(word("saleDate"), formatWib(r.sale_paid_at, r.tz)) : null,
      row(word("processedBy"), r.processed_by),
      r.approved_by ? row(word("approvedBy"), r.approved_by) : null,
      r.shopper_phone_masked ? row(t("receipt.shopper"), r.shopper_phone_masked) : null),
    lines.length
      ? h("ul", { class: "items", "aria-label": word("refundedItems") }, lines.map((line) =>
        h("li", { class: "item" },
          h("span", { class: "name" }, line.name),
          h("span", { class: "qty" }, `${line.qty} × ${formatRupiah(line.unit_price)}`),
          h("span", { class: "line" }, formatRupiah(line.amount)))))
      : h("p", { class: "items money-only" }, word("moneyOnly")),
    h("dl", { class: "sums" },
      rounding && lines.length ? row(word("rounding"), formatRupiah(rounding)) : null,
      row(word("refundTotal"), formatRupiah(r.amount), "total"),
      row(word("refundedVia"), methodText(r.tender, r.tender_issuer)),
      r.tender_reference ? row(word("reference"), r.tender_reference) : null,
      row(word("reason"), r.reason),
      r.note ? row(word("note"), r.note) : null),
    r.points_taken || balance ? h("div", { class: balance && balance.owed ? "points owed" : "points", id: "refund-points" },
      h("p", {},
        r.points_taken ? `${word("pointsTaken")}: -${groupThousands(r.points_taken)}` : "",
        r.points_taken && balance ? " · " : "",
        balance ? `${balance.owed ? balance.label : word("pointsLeft")}: ${balance.value}` : ""),
      balance && balance.owed ? h("p", { class: "owed-note" }, word("pointsOwedNote")) : null) : null,
    r.footer ? h("p", { class: "footer" }, r.footer) : null,
    pdfLink(token),
    r.sale_receipt_token ? h("a", { class: "link", id: "sale-receipt", href: `#${encodeURIComponent(r.sale_receipt_token)}` },
      word("saleReceipt")) : null);
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
    const r = await digitalReceipt(token);
    if (r.document === "refund") renderRefund(r, token);
    else renderSale(r, token);
    window.scrollTo(0, 0);
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

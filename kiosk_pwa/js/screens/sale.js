// One sale from the history, as the server has it now: its lines (and what has been refunded of
// each), the payment, the refunds with their state, the receipt link, and its receipts and messages
// (activity.js). From here: "Cetak ulang", "Void" (a sale of today, whole) and "Refund" (lines and
// quantities). A QRIS refund still with the gateway has "Cek status".
import { activityPanel } from "../activity.js";
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { formatRupiah, formatWib } from "../format.js";
import { t } from "../i18n.js";
import { methodText, reasonText, refundStatusText, statusBadge } from "../sales.js";

function fact(label, value, id) {
  return h("div", {}, h("dt", {}, label), h("dd", { id }, value));
}

export function mount(root, app, params) {
  let sale = null;
  let alive = true;
  const section = h("section", { class: "screen screen-sale", "aria-labelledby": "sale-title" });
  const error = h("p", { class: "form-error", role: "alert", id: "sale-error" });
  const status = h("p", { class: "hint", role: "status", id: "sale-status" });
  root.append(section);

  const back = () => app.go("history", params.back || {});

  function refundCard(refund) {
    const open = refund.status === "PENDING" || refund.status === "REQUESTED";
    const check = open ? h("button", { type: "button", class: "btn btn-secondary", onclick: () => checkRefund(refund, check) },
      t("refund.check")) : null;
    const reprintRefund = refund.status === "DONE"
      ? h("button", { type: "button", class: "btn btn-secondary refund-reprint", onclick: () => reprintCopy(refund, reprintRefund) },
        t("refund.reprint")) : null;
    const lines = (refund.lines || []).map((line) => `${line.qty}× ${line.name}`).join(", ");
    return h("li", { class: "refund-item", dataset: { refund: refund.refund_id, status: refund.status } },
      h("div", { class: "refund-head" },
        h("strong", { class: "refund-no" }, refund.refund_no),
        h("span", { class: "refund-kind" }, refund.kind === "VOID" ? t("refund.kind.void") : t("refund.kind.refund")),
        h("span", { class: `badge refund-badge refund-${refund.status}` }, refundStatusText(refund.status)),
        h("span", { class: "refund-amount" }, formatRupiah(refund.amount))),
      h("p", { class: "refund-meta" },
        [methodText(refund.tender) + (refund.transfer_ref ? ` (${refund.transfer_ref})` : ""), reasonText(refund.reason, refund.reason_label) + (refund.note ? ` (${refund.note})` : ""),
          formatWib(refund.created_at, app.timezone()),
          refund.approved_by_name ? t("refund.approvedBy", { name: refund.approved_by_name }) : null].filter(Boolean).join(" · ")),
      lines ? h("p", { class: "refund-what" }, lines) : null,
      refund.status === "FAILED" && refund.failure_message ? h("p", { class: "form-error" }, refund.failure_message) : null,
      check || reprintRefund ? h("div", { class: "actions" }, check, reprintRefund) : null);
  }

  async function reprintCopy(refund, button) {
    button.disabled = true;
    error.textContent = "";
    try {
      await api.reprintRefundReceipt(sale.order_id, refund.refund_id);
      status.textContent = t("result.reprinted");
      await load(); // the copy joins the receipts
    } catch (err) {
      error.textContent = app.errorText(err);
    } finally {
      button.disabled = false;
    }
  }

  async function checkRefund(refund, button) {
    button.disabled = true;
    error.textContent = "";
    try {
      const answer = await api.checkRefundStatus(sale.order_id, refund.refund_id);
      status.textContent = t("refund.checked", { status: refundStatusText(answer.status) });
      await load();
    } catch (err) {
      if (alive) error.textContent = app.errorText(err);
      button.disabled = false;
    }
  }

  async function reprint(button) {
    button.disabled = true;
    error.textContent = "";
    try {
      await api.reprintReceipt(sale.order_id);
      status.textContent = t("result.reprinted");
      await load(); // the copy joins the receipts
    } catch (err) {
      error.textContent = app.errorText(err);
    } finally {
      button.disabled = false;
    }
  }

  function draw() {
    section.dataset.status = sale.status;
    const payment = sale.payment || {};
    const lines = (sale.lines || []).map((line) =>
      h("li", { class: "sale-line", dataset: { sku: line.sku } },
        h("div", { class: "line-info" },
          h("span", { class: "line-name" }, line.name),
          h("span", { class: "line-price" }, `${formatRupiah(line.unit_price)} × ${line.sold}`),
          line.refunded ? h("span", { class: "line-refunded" }, t("sale.lineRefunded", { count: line.refunded })) : null),
        h("span", { class: "line-total" }, formatRupiah(line.unit_price * line.sold))));
    const receiptUrl = sale.receipt_token ? `${window.location.origin}/receipt.html#${sale.receipt_token}` : null;
    // A chat order's total also holds its shipping fee and the transfer's kode unik.
    const extras = [
      sale.shipping_fee ? fact(t("sale.shippingFee"), formatRupiah(sale.shipping_fee), "sale-shipping") : null,
      sale.unique_code ? fact(t("sale.uniqueCode"), formatRupiah(sale.unique_code), "sale-unique-code") : null,
    ].filter(Boolean);
    const facts = [
      fact(t("sale.time"), formatWib(sale.created_at, app.timezone()), "sale-time"),
      sale.cashier_name ? fact(t("sale.cashier"), sale.cashier_name, "sale-cashier") : null,
      sale.shopper ? fact(t("sale.shopper"), [sale.shopper.name, sale.shopper.phone_masked].filter(Boolean).join(" · "), "sale-shopper") : null,
      fact(t("result.method"), methodText(sale.method, payment.issuer), "sale-method"),
      payment.paid_at ? fact(t("sale.paidAt"), formatWib(payment.paid_at, app.timezone()), "sale-paid-at") : null,
      payment.cash_received != null ? fact(t("result.cashReceived"), formatRupiah(payment.cash_received), "sale-cash") : null,
      payment.change != null ? fact(t("result.change"), formatRupiah(payment.change), "sale-change") : null,
      sale.paid_amount != null && sale.paid_amount !== sale.total
        ? fact(t("sale.paidAmount"), formatRupiah(sale.paid_amount), "sale-paid-amount") : null,
      sale.refunded_amount ? fact(t("sale.refundedAmount"), formatRupiah(sale.refunded_amount), "sale-refunded") : null,
      sale.points_earned ? fact(t("result.points"), String(sale.points_earned), "sale-points") : null,
    ];
    const completed = sale.status === "COMPLETED";
    const reprintButton = completed
      ? h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "sale-reprint", onclick: () => reprint(reprintButton) },
        t("sale.reprint")) : null;
    const voidButton = sale.can_void
      ? h("button", { type: "button", class: "btn btn-danger-outline btn-lg", id: "sale-void",
        onclick: () => app.go("refund", { orderId: sale.order_id, mode: "void", back: params.back }) }, t("sale.void")) : null;
    const refundButton = completed && sale.can_refund
      ? h("button", { type: "button", class: "btn btn-primary btn-lg", id: "sale-refund",
        onclick: () => app.go("refund", { orderId: sale.order_id, mode: "refund", back: params.back }) }, t("sale.refund")) : null;
    replace(section,
      h("div", { class: "panel sale-panel" },
        h("div", { class: "row" },
          h("h2", { id: "sale-title" }, t("sale.title", { orderNo: sale.order_no })),
          statusBadge(sale.status, sale.status_label)),
        h("ul", { class: "sale-lines", id: "sale-lines", "aria-label": t("sale.lines") }, lines),
        extras.length ? h("dl", { class: "facts sale-extras" }, extras) : null,
        h("div", { class: "totals" }, h("span", {}, t("cart.total")), h("span", { class: "total-amount", id: "sale-total" }, formatRupiah(sale.total))),
        h("dl", { class: "facts" }, facts),
        receiptUrl ? h("p", { class: "sale-receipt" },
          h("a", { href: receiptUrl, target: "_blank", rel: "noopener", id: "sale-receipt-link", class: "btn btn-link" }, t("sale.receiptLink"))) : null),
      h("div", { class: "side-stack sale-side" },
        h("div", { class: "panel" },
          h("h3", {}, t("sale.refunds")),
          sale.refunds.length
            ? h("ul", { class: "refund-list", id: "refund-list" }, sale.refunds.slice().reverse().map(refundCard))
            : h("p", { class: "hint", id: "refund-none" }, t("sale.noRefunds"))),
        activityPanel(sale, { timeZone: app.timezone(), errorText: app.errorText, reload: load }),
        h("div", { class: "panel" },
          error, status,
          h("div", { class: "actions actions-stack" }, refundButton, voidButton, reprintButton,
            h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "sale-back", onclick: back }, t("common.back"))))));
  }

  async function load() {
    try {
      const answer = await api.getSale(params.orderId);
      if (!alive) return;
      sale = answer;
      draw();
    } catch (err) {
      if (!alive) return;
      if (sale) {
        error.textContent = app.errorText(err);
        return;
      }
      replace(section, h("div", { class: "panel sale-panel" },
        h("h2", { id: "sale-title" }, t("sale.notLoaded")), error,
        h("div", { class: "actions" },
          h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "sale-back", onclick: back }, t("common.back")),
          h("button", { type: "button", class: "btn btn-primary btn-lg", onclick: load }, t("common.retry")))));
      error.textContent = app.errorText(err);
    }
  }

  replace(section, h("div", { class: "panel sale-panel" }, h("h2", { id: "sale-title" }, t("common.loading"))));
  load();
  return () => {
    alive = false;
  };
}

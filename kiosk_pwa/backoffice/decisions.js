// Keputusan Pembayaran: paid orders that wait for a person. The money came after the QR or the
// payment deadline had ended (PAID_LATE), or it is not the payment the order asked for (another
// amount or another transaction: NEEDS_REVIEW). The system never completes them by itself; an admin
// looks at what was received and completes the order here (points, receipt, stock), or leaves it for
// a refund. Cashiers and CS see the same list, without the button.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { badge, errorLine, errorText, toast, when } from "./common.js";

const STATUS = { PAID_LATE: "bo.decisions.status.paidLate", NEEDS_REVIEW: "bo.decisions.status.needsReview" };
const REASONS = {
  late_payment: "bo.decisions.reason.late_payment",
  amount_mismatch: "bo.decisions.reason.amount_mismatch",
  transaction_mismatch: "bo.decisions.reason.transaction_mismatch",
  double_payment: "bo.decisions.reason.double_payment",
};
const REFRESH_MS = 30000;

const statusLabel = (order) => (STATUS[order.status] ? t(STATUS[order.status]) : order.status_label || order.status);
// Our wording for the reasons we know; the server's own label for any other.
const reasonText = (reason) => (REASONS[reason.code] ? t(REASONS[reason.code]) : reason.label || reason.code);
const rupiahOrDash = (amount) => (amount === null || amount === undefined ? "-" : formatRupiah(amount));

function methodText(payment) {
  if (!payment || !payment.method) return "-";
  if (payment.method === "CASH") return t("result.methodCash");
  return payment.issuer ? `${payment.method} · ${payment.issuer.toUpperCase()}` : payment.method;
}

export function mount(root, me) {
  const canComplete = me.role === "admin";
  const list = h("div", { class: "lines", id: "decisions" });
  const actionError = errorLine(); // a completion that did not go through, until one does
  const reload = h("button", { type: "button", class: "btn btn-secondary", id: "decisions-reload", onclick: () => refresh() },
    t("bo.common.reload"));
  let orders = [];
  let loading = null;

  function refresh() {
    // One request at a time: a tap on "Muat ulang" during the timer's reload waits for that one.
    loading ??= (async () => {
      reload.disabled = true;
      try {
        ({ orders } = await api.call("GET", "/sales/decisions"));
        render();
      } catch (err) {
        replace(list, h("p", { class: "form-error" }, errorText(err)));
      } finally {
        reload.disabled = false;
        loading = null;
      }
    })();
    return loading;
  }

  function render() {
    replace(list, orders.length ? orders.map(card) : h("p", { class: "empty", id: "decisions-empty" }, t("bo.decisions.empty")));
  }

  async function complete(order, button) {
    const received = rupiahOrDash(order.paid_amount);
    if (!window.confirm(t("bo.decisions.completeConfirm",
      { orderNo: order.order_no, received, total: formatRupiah(order.total) }))) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await api.call("POST", `/sales/${order.order_id}/complete-late`);
      actionError.textContent = "";
      toast(t("bo.decisions.completed", { orderNo: order.order_no }));
      orders = orders.filter((o) => o.order_id !== order.order_id); // decided: off the list at once
      render();
    } catch (err) {
      actionError.textContent = err instanceof api.ApiError && err.status === 409
        ? t("bo.decisions.notWaiting", { orderNo: order.order_no })
        : errorText(err);
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
    await refresh();
  }

  function card(order) {
    const differs = order.paid_amount !== null && order.paid_amount !== undefined && order.paid_amount !== order.total;
    const completeButton = canComplete
      ? h("button", { type: "button", class: "btn btn-primary" }, t("bo.decisions.complete"))
      : null;
    completeButton?.addEventListener("click", () => complete(order, completeButton));
    const items = (order.items || []).map((i) => `${i.qty} × ${i.name || i.sku}`).join(", ");
    return h("article", { class: "card decision", dataset: { order: order.order_id, status: order.status } },
      h("div", { class: "card-head" },
        h("h3", {}, order.order_no),
        badge(order.status, statusLabel(order))),
      h("dl", { class: "summary" },
        h("dt", {}, t("bo.decisions.paidAt")), h("dd", { class: "decision-paid-at" }, when(order.payment?.paid_at)),
        h("dt", {}, t("bo.decisions.total")), h("dd", { class: "decision-total" }, formatRupiah(order.total)),
        h("dt", {}, t("bo.decisions.received")),
        h("dd", { class: `decision-received${differs ? " negative" : ""}` }, rupiahOrDash(order.paid_amount)),
        differs ? h("dt", {}, t("bo.decisions.difference")) : null,
        differs ? h("dd", { class: "decision-difference negative" }, formatRupiah(order.paid_amount - order.total)) : null,
        h("dt", {}, t("bo.decisions.method")), h("dd", { class: "decision-method" }, methodText(order.payment)),
        items ? h("dt", {}, t("bo.decisions.items")) : null,
        items ? h("dd", { class: "decision-items" }, items) : null),
      h("ul", { class: "decision-reasons", "aria-label": t("bo.decisions.reasons") },
        (order.reasons || []).map((r) => h("li", { class: "reason", dataset: { code: r.code } }, reasonText(r)))),
      completeButton ? h("div", { class: "actions actions-start" }, completeButton) : null);
  }

  replace(root, h("section", { class: "panel" },
    h("div", { class: "toolbar" }, h("h2", {}, t("bo.decisions.title")), reload),
    h("p", { class: "hint" }, t("bo.decisions.lead")),
    canComplete ? null : h("p", { class: "notice", id: "decisions-admin-only" }, t("bo.decisions.adminOnly")),
    actionError, list));
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => clearInterval(timer);
}

// Keputusan Pembayaran: paid orders that wait for a person. The money came after the QR or the
// payment deadline had ended (PAID_LATE), or it is not the payment the order asked for (another
// amount or another transaction: NEEDS_REVIEW). The system never completes them by itself; an admin
// looks at what was received and completes the order here (points, receipt, stock), or an admin or a
// supervisor gives the money back ("Kembalikan dana": all that was received, by the way it came or in
// cash, with a reason); the order then leaves the list as REFUNDED. A QRIS refund the gateway has not
// settled yet keeps the order here, marked, with "Cek status". Cashiers and CS see the same list,
// without the buttons.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { reasonText as refundReasonText, methodText as tenderText } from "../js/sales.js";
import { badge, errorLine, errorText, listLoader, toast, when } from "./common.js";

const STATUS = { PAID_LATE: "bo.decisions.status.paidLate", NEEDS_REVIEW: "bo.decisions.status.needsReview" };
const REASONS = {
  late_payment: "bo.decisions.reason.late_payment",
  amount_mismatch: "bo.decisions.reason.amount_mismatch",
  transaction_mismatch: "bo.decisions.reason.transaction_mismatch",
  double_payment: "bo.decisions.reason.double_payment",
  parcel_returned: "bo.decisions.reason.parcel_returned",
};
const REFRESH_MS = 30000;
const REFUNDERS = ["admin", "supervisor"]; // who may give the money of a decision back (they approve refunds)
// The refund reason that fits why the order waits (the first that applies); staff may pick another.
const REFUND_REASON_FOR = { late_payment: "pembayaran_terlambat", double_payment: "pembayaran_ganda",
  amount_mismatch: "jumlah_tidak_sesuai", transaction_mismatch: "jumlah_tidak_sesuai", parcel_returned: "retur_kurir" };
const REFUND_REASONS = ["pembayaran_terlambat", "jumlah_tidak_sesuai", "pembayaran_ganda", "retur_kurir", "lainnya"];
const CLOSERS = ["cs", "admin"]; // who may close a returned parcel's order without a refund
// A parcel the courier brought back: the order was a sale (COMPLETED); its refund takes the goods back
// to stock, or it is closed without one (sent again, paid back elsewhere).
const returned = (order) => (order.reasons || []).some((r) => r.code === "parcel_returned");

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
  const canRefund = REFUNDERS.includes(me.role);
  const canClose = CLOSERS.includes(me.role);
  const closing = new Map(); // "Tutup tanpa refund" forms open, by order: {note, busy, error}
  const list = h("div", { class: "lines", id: "decisions" });
  const actionError = errorLine(); // a completion that did not go through, until one does
  const reload = h("button", { type: "button", class: "btn btn-secondary", id: "decisions-reload", onclick: () => refresh() },
    t("bo.common.reload"));
  let orders = [];
  // Refund forms open on the screen, by order: {reason, note, tender, transferRef, busy, error, refund}.
  // The timer's reload waits while one is open (it would redraw the form under the person's fingers).
  const refunding = new Map();

  const load = listLoader({ button: reload, list, load: async () => {
    ({ orders } = await api.call("GET", "/sales/decisions"));
    render();
  } });

  function refresh({ timer = false } = {}) {
    if (timer && ([...refunding.values()].some((form) => !form.refund) || closing.size)) return load.current;
    return load();
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

  function openRefund(order) {
    const why = (order.reasons || []).map((r) => REFUND_REASON_FOR[r.code]).find(Boolean);
    refunding.set(order.order_id, { reason: why || "lainnya", note: "", tender: order.payment?.method || "CASH",
      transferRef: "", key: crypto.randomUUID(), busy: false, error: "", refund: null });
    render();
  }

  function closeRefund(order) {
    refunding.delete(order.order_id);
    render();
  }

  /** The money received goes back whole (no lines: nothing was sold); the order becomes REFUNDED. */
  async function sendRefund(order) {
    const form = refunding.get(order.order_id);
    const body = { reason: form.reason, tender: form.tender };
    if (form.note.trim()) body.note = form.note.trim();
    if (form.tender === "BANK_TRANSFER") body.transfer_ref = form.transferRef.trim();
    form.busy = true;
    form.error = "";
    render();
    try {
      const refund = await api.call("POST", `/sales/${order.order_id}/refunds`, { body, idempotencyKey: form.key });
      form.busy = false;
      if (refund.status === "DONE") {
        refunding.delete(order.order_id);
        toast(t("bo.decisions.refunded", { orderNo: order.order_no, amount: formatRupiah(refund.amount) }));
        orders = orders.filter((o) => o.order_id !== order.order_id); // decided: off the list at once
      } else {
        form.refund = refund; // PENDING at the gateway, or FAILED with its reason
        if (refund.status === "FAILED") {
          form.key = crypto.randomUUID(); // another try is another refund
          form.refund = null;
          form.error = t("bo.decisions.refundFailed", { reason: refund.failure_message || refund.failure_code || "-" });
        }
      }
      render();
    } catch (err) {
      form.busy = false;
      form.error = errorText(err);
      if (!(err instanceof api.ApiError && (err.isNetwork || err.code === "request_in_progress"))) {
        form.key = crypto.randomUUID(); // a definite answer: the next tap is a new request
      }
      render();
    }
    if (!refunding.has(order.order_id)) await refresh();
  }

  /** "Cek status": a refund still at the gateway is asked about now. */
  async function checkRefund(order) {
    const form = refunding.get(order.order_id);
    let refund = form?.refund;
    if (!refund) {
      const { refunds } = await api.call("GET", `/sales/${order.order_id}/refunds`).catch(() => ({ refunds: [] }));
      refund = refunds.find((r) => r.status === "PENDING" || r.status === "REQUESTED");
      if (!refund) {
        await refresh();
        return;
      }
    }
    try {
      const answer = await api.call("POST", `/sales/${order.order_id}/refunds/${encodeURIComponent(refund.refund_id)}/status`);
      if (answer.status === "DONE") {
        refunding.delete(order.order_id);
        toast(t("bo.decisions.refunded", { orderNo: order.order_no, amount: formatRupiah(answer.amount) }));
        orders = orders.filter((o) => o.order_id !== order.order_id);
        render();
        await refresh();
        return;
      }
      const state = refunding.get(order.order_id) || { key: crypto.randomUUID(), busy: false, note: "", transferRef: "" };
      state.refund = answer.status === "FAILED" ? null : answer;
      state.error = answer.status === "FAILED"
        ? t("bo.decisions.refundFailed", { reason: answer.failure_message || answer.failure_code || "-" })
        : t("bo.decisions.refundStillPending");
      if (answer.status === "FAILED") Object.assign(state, { reason: answer.reason, tender: "CASH" });
      refunding.set(order.order_id, state);
      render();
    } catch (err) {
      actionError.textContent = errorText(err);
    }
  }

  function refundPanel(order) {
    const form = refunding.get(order.order_id);
    const received = order.paid_amount ?? order.total;
    if (form.refund || (order.refunded_amount > 0 && !form.busy)) return pendingPanel(order, form);
    const reason = h("select", { class: "input", id: `refund-reason-${order.order_id}`,
      onchange: (event) => { form.reason = event.target.value; form.key = crypto.randomUUID(); render(); } },
    REFUND_REASONS.map((code) => h("option", { value: code, selected: code === form.reason }, refundReasonText(code))));
    const note = h("input", { class: "input", maxlength: 200, value: form.note, id: `refund-note-${order.order_id}`,
      oninput: (event) => { form.note = event.target.value; form.key = crypto.randomUUID(); } });
    const own = order.payment?.method || "CASH";
    const tender = h("select", { class: "input", id: `refund-tender-${order.order_id}`,
      onchange: (event) => { form.tender = event.target.value; form.key = crypto.randomUUID(); render(); } },
    [...new Set([own, "CASH"])].map((code) => h("option", { value: code, selected: code === form.tender }, tenderText(code))));
    const ref = form.tender === "BANK_TRANSFER"
      ? h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.decisions.refundTransferRef")),
        h("input", { class: "input", maxlength: 64, value: form.transferRef, id: `refund-ref-${order.order_id}`,
          oninput: (event) => { form.transferRef = event.target.value; form.key = crypto.randomUUID(); } }))
      : null;
    const confirm = h("button", { type: "button", class: "btn btn-danger", disabled: form.busy, "aria-busy": form.busy ? "true" : false,
      onclick: () => sendRefund(order) }, t("bo.decisions.refundConfirm", { amount: formatRupiah(received - (order.refunded_amount || 0)) }));
    const cancel = h("button", { type: "button", class: "btn btn-secondary", disabled: form.busy, onclick: () => closeRefund(order) },
      t("bo.common.cancel"));
    return h("div", { class: "refund-form", role: "group", "aria-label": t("bo.decisions.refund") },
      h("p", { class: "lead refund-question" }, t(returned(order) ? "bo.decisions.refundReturnQuestion" : "bo.decisions.refundQuestion",
        { orderNo: order.order_no, amount: formatRupiah(received - (order.refunded_amount || 0)), method: tenderText(form.tender) })),
      h("div", { class: "fields" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.decisions.refundReason")), reason),
        h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.decisions.refundTender")), tender),
        ref,
        h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.decisions.refundNote")), note)),
      form.error ? errorLine(form.error) : null,
      h("div", { class: "actions actions-start" }, confirm, cancel));
  }

  function pendingPanel(order, form) {
    const check = h("button", { type: "button", class: "btn btn-secondary", onclick: () => checkRefund(order) }, t("bo.decisions.refundCheck"));
    return h("div", { class: "refund-form refund-pending", dataset: { refundStatus: form?.refund?.status || "PENDING" } },
      h("p", { class: "notice" }, t("bo.decisions.refundPending")),
      form?.error ? h("p", { class: "hint" }, form.error) : null,
      h("div", { class: "actions actions-start" }, check));
  }

  /** A returned parcel's order leaves the list without a refund, with why (sent again, paid back elsewhere). */
  function closePanel(order) {
    const form = closing.get(order.order_id);
    const note = h("input", { class: "input", maxlength: 200, value: form.note, id: `close-note-${order.order_id}`,
      oninput: (event) => { form.note = event.target.value; confirm.disabled = form.busy || !form.note.trim(); } });
    const confirm = h("button", { type: "button", class: "btn btn-primary", disabled: form.busy || !form.note.trim(),
      onclick: async () => {
        form.busy = true;
        form.error = "";
        render();
        try {
          await api.call("POST", `/sales/${order.order_id}/returns/close`, { body: { note: form.note.trim() } });
          closing.delete(order.order_id);
          toast(t("bo.decisions.closed", { orderNo: order.order_no }));
          orders = orders.filter((o) => o.order_id !== order.order_id);
          render();
          await refresh();
        } catch (err) {
          form.busy = false;
          form.error = errorText(err);
          render();
        }
      } }, t("bo.decisions.closeConfirm"));
    const cancel = h("button", { type: "button", class: "btn btn-secondary", disabled: form.busy,
      onclick: () => { closing.delete(order.order_id); render(); } }, t("bo.common.cancel"));
    return h("div", { class: "refund-form", role: "group", "aria-label": t("bo.decisions.closeReturn") },
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.decisions.closeNote")), note),
      form.error ? errorLine(form.error) : null,
      h("div", { class: "actions actions-start" }, confirm, cancel));
  }

  function card(order) {
    const differs = order.paid_amount !== null && order.paid_amount !== undefined && order.paid_amount !== order.total;
    // Money already on its way back (a QRIS refund at the gateway): no other decision until it settles.
    const inRefund = refunding.has(order.order_id) || order.refunded_amount > 0;
    // A returned parcel's order is a sale already: it is refunded or closed, never completed again.
    const completeButton = canComplete && !inRefund && order.status !== "COMPLETED"
      ? h("button", { type: "button", class: "btn btn-primary" }, t("bo.decisions.complete"))
      : null;
    completeButton?.addEventListener("click", () => complete(order, completeButton));
    const refundButton = canRefund && !inRefund && !closing.has(order.order_id)
      ? h("button", { type: "button", class: "btn btn-danger-outline", onclick: () => openRefund(order) }, t("bo.decisions.refund"))
      : null;
    const closeButton = canClose && returned(order) && !inRefund && !closing.has(order.order_id)
      ? h("button", { type: "button", class: "btn btn-secondary", onclick: () => { closing.set(order.order_id, { note: "", busy: false, error: "" }); render(); } },
        t("bo.decisions.closeReturn"))
      : null;
    let panel = null;
    if (closing.has(order.order_id)) panel = closePanel(order);
    else if (refunding.has(order.order_id)) panel = refundPanel(order);
    else if (order.refunded_amount > 0) panel = pendingPanel(order, null);
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
      completeButton || refundButton || closeButton
        ? h("div", { class: "actions actions-start" }, completeButton, refundButton, closeButton) : null,
      panel);
  }

  let notice = null;
  if (!canComplete) {
    notice = canRefund ? h("p", { class: "notice", id: "decisions-refund-only" }, t("bo.decisions.refundOnly"))
      : h("p", { class: "notice", id: "decisions-admin-only" }, t("bo.decisions.adminOnly"));
  }
  replace(root, h("section", { class: "panel" },
    h("div", { class: "toolbar" }, h("h2", {}, t("bo.decisions.title")), reload),
    h("p", { class: "hint" }, t("bo.decisions.lead")),
    notice,
    actionError, list));
  refresh();
  const timer = setInterval(() => refresh({ timer: true }), REFRESH_MS);
  return () => clearInterval(timer);
}

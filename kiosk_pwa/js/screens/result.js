// What happened to the payment, as the server says: success (amount, method, points, receipt),
// failed or expired (the reason, "Coba lagi", cash, "Batal"), paid after the QR had ended
// (PAID_LATE), or paid with another amount or transaction than the order's (NEEDS_REVIEW). The last
// two wait for an admin in the back office (Keputusan Pembayaran): the goods stay at the counter, and
// the screen turns into the success page once the admin completes the order.
// A QR paid while the cashier took cash or tapped Batal comes with the server's notice: the screen
// leads with a warning ("QRIS sudah dibayar", and the server's words: give the cash back, or the
// sale stands), then the completed sale's details. A sale still waiting whose QR is no longer live
// (found when the kiosk reopened) offers "Coba lagi" and "Batal" like a failed one.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { formatRupiah } from "../format.js";
import { t } from "../i18n.js";
import { qrSvg } from "../qr.js";

const COMPLETION_POLL_MS = 1500;
const COMPLETION_POLLS = 20;
const DECISION_POLL_MS = 10000; // paid late or to be checked: an admin may complete it meanwhile
const DECISION_STATES = ["PAID_LATE", "NEEDS_REVIEW"];

function methodText(payment) {
  if (payment.method === "CASH") return t("result.methodCash");
  if (payment.method === "QRIS") return payment.issuer ? `QRIS · ${payment.issuer.toUpperCase()}` : "QRIS";
  return payment.method || "-";
}

function fact(label, value, id) {
  return h("div", {}, h("dt", {}, label), h("dd", { id }, value));
}

export function mount(root, app) {
  const sale = app.state.sale;
  const retryIntent = new api.Intent();
  let order = sale.order;
  let alive = true;
  let pollTimer = null;
  const section = h("section", { class: "screen screen-result", "aria-labelledby": "result-title" });
  root.append(section);

  function draw() {
    section.dataset.status = order.status;
    section.dataset.notice = order.notice ? order.notice.code : "";
    if (order.status === "COMPLETED" || order.status === "PAID") drawSuccess();
    else if (order.status === "PAID_LATE") drawLate();
    else if (order.status === "NEEDS_REVIEW") drawReview();
    else drawFailed();
  }

  function newSaleButton() {
    return h("button", { type: "button", class: "btn btn-primary btn-xl", id: "new-sale", onclick: () => app.startNewSale() },
      t("result.newSale"));
  }

  function drawSuccess() {
    const payment = order.payment;
    const completed = order.status === "COMPLETED";
    const facts = [
      fact(t("result.method"), methodText(payment), "result-method"),
      payment.method === "CASH" && payment.cash_received != null ? fact(t("result.cashReceived"), formatRupiah(payment.cash_received), "result-received") : null,
      payment.method === "CASH" && payment.change != null ? fact(t("result.change"), formatRupiah(payment.change), "result-change") : null,
      fact(t("payment.orderNo"), order.order_no, "result-order-no"),
      sale.shopper ? fact(t("result.points"), completed
        ? t("result.pointsEarned", { points: order.points_earned || 0, name: sale.shopper.name })
        : t("result.finishing"), "result-points") : null,
    ];
    const reprintStatus = h("p", { class: "hint", role: "status", id: "reprint-status" });
    const reprint = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "reprint", disabled: !completed, onclick: onReprint },
      t("result.reprint"));

    async function onReprint() {
      reprint.disabled = true;
      try {
        await api.reprintReceipt(order.order_id);
        reprintStatus.textContent = t("result.reprinted");
      } catch (err) {
        reprintStatus.textContent = app.errorText(err);
      } finally {
        reprint.disabled = false;
      }
    }

    const receiptUrl = order.receipt_token ? `${window.location.origin}/receipt.html#${order.receipt_token}` : null;
    // Paid by QRIS while cash was taken or Batal tapped: the warning comes first, in place of "Berhasil".
    const heading = order.notice
      ? [h("div", { class: "result-icon", "aria-hidden": "true" }, "!"),
        h("h2", { id: "result-title" }, t("result.qrisPaidTitle")),
        h("p", { class: "notice-paid-text", id: "result-notice", role: "alert" }, app.noticeText(order.notice)),
        h("p", { class: "lead", id: "result-notice-done" }, t("result.qrisPaidDone"))]
      : [h("div", { class: "result-icon", "aria-hidden": "true" }, "✓"),
        h("h2", { id: "result-title" }, t("result.successTitle"))];
    replace(section,
      h("div", { class: `panel result-panel ${order.notice ? "notice-paid" : "success"}` },
        heading,
        h("p", { class: "amount-big", id: "result-amount" }, formatRupiah(order.total)),
        h("dl", { class: "facts" }, facts),
        h("p", { class: "receipt-note" }, completed ? t("result.receiptPrinted") : t("result.finishing")),
        h("div", { class: "actions" }, reprint, newSaleButton()),
        reprintStatus),
      receiptUrl ? h("div", { class: "panel receipt-qr" },
        h("div", { class: "qr-box qr-small" }, qrSvg(receiptUrl, t("result.receiptQrLabel"))),
        h("p", {}, t("result.receiptQrHelp"))) : null);
  }

  function drawLate() {
    replace(section,
      h("div", { class: "panel result-panel late" },
        h("div", { class: "result-icon", "aria-hidden": "true" }, "!"),
        h("h2", { id: "result-title" }, t("result.lateTitle")),
        h("p", { class: "amount-big", id: "result-amount" }, formatRupiah(order.total)),
        h("p", { class: "lead", id: "result-help" }, t("result.lateHelp", { orderNo: order.order_no })),
        h("dl", { class: "facts" }, fact(t("payment.orderNo"), order.order_no, "result-order-no")),
        h("div", { class: "actions" }, newSaleButton())));
  }

  // The amount that really came in: on the order view when the server puts it there, else from the
  // list of payments waiting for a decision (which the cashier may read).
  let received = order.paid_amount ?? null;
  let askedForReceived = false;

  async function lookUpReceived() {
    if (received !== null || askedForReceived) return;
    askedForReceived = true;
    try {
      const { orders } = await api.saleDecisions();
      const mine = orders.find((o) => o.order_id === order.order_id);
      if (!alive || !mine || mine.paid_amount == null) return;
      received = mine.paid_amount;
      if (order.status === "NEEDS_REVIEW") draw();
    } catch {
      // the panel says what matters without it
    }
  }

  function drawReview() {
    const flags = order.flags || [];
    // Another amount, or the right amount from another transaction than this order's QR.
    const otherTransaction = flags.includes("transaction_mismatch") && !flags.includes("amount_mismatch");
    // The two amounts side by side, labelled, rather than the order's total alone in big digits.
    const facts = [
      fact(t("payment.orderNo"), order.order_no, "result-order-no"),
      fact(t("result.orderTotal"), formatRupiah(order.total), "result-total"),
      fact(t("result.amountReceived"), received !== null ? formatRupiah(received) : t("result.amountUnknown"), "result-received"),
      order.payment && order.payment.method ? fact(t("result.method"), methodText(order.payment), "result-method") : null,
    ];
    replace(section,
      h("div", { class: "panel result-panel review" },
        h("div", { class: "result-icon", "aria-hidden": "true" }, "!"),
        h("h2", { id: "result-title" }, t("result.reviewTitle")),
        h("p", { class: "reason", id: "result-reason" },
          otherTransaction ? t("result.reviewOtherTransaction") : t("result.reviewMismatch")),
        h("dl", { class: "facts" }, facts),
        h("p", { class: "lead", id: "result-help" }, t("result.reviewHelp", { orderNo: order.order_no })),
        h("div", { class: "actions" }, newSaleButton())));
    lookUpReceived();
  }

  function drawFailed() {
    const expired = order.status === "EXPIRED";
    const stale = order.status === "AWAITING_PAYMENT"; // still waiting, but its QR is no longer live
    const error = h("p", { class: "form-error", role: "alert", id: "result-error" });
    const retry = h("button", { type: "button", class: "btn btn-primary btn-xl", id: "retry", onclick: onRetry }, t("result.retry"));
    const cash = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "result-cash", onclick: () => app.go("payment", { mode: "cash" }) },
      t("payment.payCash"));
    const cancel = h("button", { type: "button", class: "btn btn-danger-outline", id: "result-cancel", onclick: onCancel }, t("result.cancel"));

    async function onRetry() {
      // Disabled at once and guarded by the intent: a double tap sends one request, and a lost
      // answer is retried with the same Idempotency-Key. The server never opens a second live QR.
      retry.disabled = true;
      retry.setAttribute("aria-busy", "true");
      retry.textContent = t("result.retrying");
      error.textContent = "";
      try {
        const next = await retryIntent.run((key) => api.retrySale(order.order_id, key));
        if (!alive || !next) return;
        const unchanged = next.status === "AWAITING_PAYMENT" ? !app.qrLive(next) && next.attempt === order.attempt
          : next.status === order.status && next.attempt === order.attempt;
        if (unchanged) {
          order = next;
          draw();
          return;
        }
        app.showOrder(next);
      } catch (err) {
        if (!alive) return;
        error.textContent = app.errorText(err);
        retry.disabled = false;
        retry.removeAttribute("aria-busy");
        retry.textContent = t("result.retry");
      }
    }

    async function onCancel() {
      cancel.disabled = true;
      // An expired QR has already ended the order; there is nothing left to cancel on the server.
      if (expired) {
        app.showOrder({ ...order, status: "CANCELLED" });
        return;
      }
      try {
        const next = await api.cancelSale(order.order_id);
        if (alive) app.showOrder(next);
      } catch (err) {
        error.textContent = app.errorText(err);
        cancel.disabled = false;
      }
    }

    replace(section,
      h("div", { class: "panel result-panel failed" },
        h("div", { class: "result-icon", "aria-hidden": "true" }, "✕"),
        h("h2", { id: "result-title" }, stale ? t("result.staleTitle") : expired ? t("result.expiredTitle") : t("result.failedTitle")),
        h("p", { class: "reason", id: "result-reason" }, stale ? t("result.staleReason")
          : order.failure_reason || (expired ? t("result.expiredReason") : t("result.failedReason"))),
        h("p", { class: "amount-big", id: "result-amount" }, formatRupiah(order.total)),
        h("dl", { class: "facts" }, fact(t("payment.orderNo"), order.order_no, "result-order-no")),
        error,
        h("div", { class: "actions" }, cancel, cash, retry)));
  }

  // PAID is a moment before COMPLETED (points, receipt): wait for it, briefly. An order waiting for
  // an admin's decision is looked at now and then, for as long as the screen shows it.
  let polls = 0;
  async function awaitCompletion() {
    const deciding = DECISION_STATES.includes(order.status);
    if (!alive || !(deciding || (order.status === "PAID" && polls < COMPLETION_POLLS))) return;
    if (!deciding) polls += 1; // waiting for a decision has no limit: the screen stays until it is left
    try {
      const next = await api.getSale(order.order_id);
      if (!alive) return;
      if (next.status !== order.status) {
        order = order.notice && !next.notice ? { ...next, notice: order.notice } : next; // the warning stays
        if (next.paid_amount != null) received = next.paid_amount;
        sale.order = order;
        app.saveSale();
        draw();
      }
    } catch {
      // try again on the next round
    }
    pollTimer = setTimeout(awaitCompletion, DECISION_STATES.includes(order.status) ? DECISION_POLL_MS : COMPLETION_POLL_MS);
  }

  draw();
  if (DECISION_STATES.includes(order.status)) pollTimer = setTimeout(awaitCompletion, DECISION_POLL_MS);
  else awaitCompletion();
  return () => {
    alive = false;
    clearTimeout(pollTimer);
  };
}

// The payment page: the QRIS drawn from the server's qr_string, the amount in big digits, a
// countdown to the QR's expiry and a status check every few seconds. The screen only ever leaves
// on the server's word: success, failure and expiry come from the order's status, and so does a
// payment that waits for an admin (paid late, or another amount or transaction: NEEDS_REVIEW), which
// the result screen shows as such, never as a success or a failure to retry.
// Cash is the other way to pay: the amount received (quick buttons or keypad) and the change. A
// cash sale (chosen on the cart) has no QR at all and opens here in cash mode; "Bayar QRIS" still
// opens one for it. A QR that was paid while cash was being taken is told on the result screen.
// The background check sends ?poll=1 (the server answers from its own state); the cashier's
// "Cek Status Pembayaran" does not, so the server asks the gateway at once.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { formatCountdown, formatRupiah, groupThousands } from "../format.js";
import { t } from "../i18n.js";
import { keypad, listenForDigitKeys } from "../keypad.js";
import { qrSvg } from "../qr.js";

const POLL_MS = 4000;
const CONFIRM_MS = 3000;
const MAX_CASH_DIGITS = 10;
const NOTES = [2000, 5000, 10000, 20000, 50000, 100000]; // rupiah notes a shopper hands over

/** "Uang pas" first, then round amounts above the total that people actually pay with. */
export function quickCashAmounts(total) {
  const amounts = [total];
  for (const step of [5000, 10000, 50000, 100000]) {
    const rounded = Math.ceil(total / step) * step;
    if (!amounts.includes(rounded)) amounts.push(rounded);
  }
  for (const note of NOTES) if (note > total && !amounts.includes(note)) amounts.push(note);
  return amounts.sort((a, b) => a - b).slice(0, 5);
}

export function mount(root, app, params) {
  const sale = app.state.sale;
  let order = sale.order;
  // A sale made for cash has no payment attempt (and so no QR) until the cashier asks for one.
  const hasQr = () => Boolean(order.attempt);
  let mode = params.mode === "cash" || !hasQr() ? "cash" : "qris";
  let inflight = null; // the status check on its way
  let handQueued = false; // "Cek Status Pembayaran" tapped while a background check was on its way
  let pollTimer = null;
  let clockTimer = null;
  let expiredChecked = false;
  let cancelArmedUntil = 0;
  let shownQr = null;
  let received = "";
  let removeKeys = null;
  let alive = true; // answers that arrive after the cashier left this screen are ignored
  const cashIntent = new api.Intent();
  const qrisIntent = new api.Intent(); // "Bayar QRIS" on a cash sale: its first QR

  const left = h("div", { class: "panel pay-left" });
  const status = h("p", { class: "pay-status", id: "pay-status", role: "status" });
  const error = h("p", { class: "form-error", role: "alert", id: "pay-error" });
  const checkButton = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "check-status", onclick: () => check(true) },
    t("payment.check"));
  const cashButton = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "pay-cash", onclick: toggleCash });
  const cancelButton = h("button", { type: "button", class: "btn btn-danger-outline", id: "pay-cancel", onclick: cancel }, t("payment.cancel"));

  // Cash may still be taken for a QR that failed or expired (the shopper pays at the counter).
  const cashStillPossible = (o) => ["FAILED", "EXPIRED"].includes(o.status);

  /** Takes the server's latest view; returns true when the order belongs on another screen now. */
  function leaveFor(next) {
    if (next.qr_unchanged && next.attempt === order.attempt) {
      // An early background poll leaves the QR out: the one on screen is still the one to pay.
      next = { ...next, qr_string: order.qr_string };
    }
    if (mode === "cash" && ["PAID", "COMPLETED"].includes(next.status) && next.payment && next.payment.method === "QRIS"
        && !next.notice) {
      // The QR was paid while the cashier was on the cash screen: the shopper may have handed cash too.
      next = { ...next, notice: { code: app.QRIS_PAID_DURING_CASH } };
    }
    order = next;
    sale.order = next;
    const stay = next.status === "AWAITING_PAYMENT" || (mode === "cash" && cashStillPossible(next));
    if (!stay) {
      app.showOrder(next);
      return true;
    }
    app.saveSale();
    syncControls();
    return false;
  }

  function syncControls() {
    const awaiting = order.status === "AWAITING_PAYMENT";
    checkButton.hidden = !awaiting || !hasQr();
    cashButton.textContent = mode === "qris" ? t("payment.payCash")
      : !awaiting ? t("common.back") : hasQr() ? t("payment.backToQris") : t("payment.payQris");
    if (awaiting && hasQr()) startWatching();
    else stopWatching();
    if (!awaiting || !hasQr()) status.textContent = "";
  }

  /** The background check and the countdown run while a QR can be paid. */
  function startWatching() {
    if (!pollTimer) pollTimer = setInterval(() => check(false), POLL_MS);
    if (!clockTimer) clockTimer = setInterval(tick, 1000);
    if (!status.textContent) status.textContent = t("payment.waiting");
  }

  function stopWatching() {
    clearInterval(pollTimer);
    clearInterval(clockTimer);
    pollTimer = clockTimer = null;
  }

  function toggleCash() {
    if (mode === "cash" && order.status !== "AWAITING_PAYMENT") app.showOrder(order); // back to the failed page
    else if (mode === "cash" && !hasQr()) openQr();
    else setMode(mode === "cash" ? "qris" : "cash");
  }

  /** "Bayar QRIS" on a cash sale: the server opens its first QR (the same call as "Coba lagi"). */
  async function openQr() {
    if (qrisIntent.busy || cashIntent.busy) return;
    error.textContent = "";
    cashButton.disabled = true;
    cashButton.setAttribute("aria-busy", "true");
    try {
      const next = await qrisIntent.run((key) => api.retrySale(order.order_id, key));
      if (!alive || !next) return;
      if (next.status === "AWAITING_PAYMENT" && next.attempt) mode = "qris";
      if (!leaveFor(next)) setMode(mode);
    } catch (err) {
      if (alive) error.textContent = app.errorText(err);
    } finally {
      cashButton.disabled = false;
      cashButton.removeAttribute("aria-busy");
    }
  }

  /**
   * Asks for the order's status: `byHand` is the cashier's "Cek Status Pembayaran" (the server asks
   * the gateway), otherwise the background poll (?poll=1). A tap while a poll is on its way is sent
   * after it, so the cashier's answer always comes from the gateway.
   */
  async function check(byHand) {
    if (byHand) {
      error.textContent = "";
      checkButton.disabled = true;
      checkButton.setAttribute("aria-busy", "true");
      status.textContent = t("payment.checking");
    }
    if (inflight) {
      if (byHand) handQueued = true;
      return;
    }
    inflight = (async () => {
      try {
        const next = await api.checkSaleStatus(order.order_id, { poll: !byHand });
        if (alive && !leaveFor(next)) {
          if (byHand) status.textContent = t("payment.notYetPaid");
          drawQr();
        }
      } catch (err) {
        if (byHand && alive) error.textContent = app.errorText(err);
      }
    })();
    await inflight;
    inflight = null;
    if (!alive) return;
    if (handQueued) {
      handQueued = false;
      check(true);
    } else if (byHand) {
      checkButton.disabled = false;
      checkButton.removeAttribute("aria-busy");
    }
  }

  function tick() {
    const countdown = left.querySelector("#qr-countdown");
    if (!countdown || !order.expires_at) return;
    const secondsLeft = order.expires_at - api.serverNowSeconds();
    countdown.textContent = secondsLeft > 0 ? t("payment.validFor", { time: formatCountdown(secondsLeft) }) : t("payment.qrExpiring");
    countdown.classList.toggle("urgent", secondsLeft <= 60);
    if (secondsLeft <= 0 && !expiredChecked) {
      expiredChecked = true;
      check(false);
    }
  }

  function drawQr() {
    if (mode !== "qris" || !hasQr()) return;
    if (order.qr_string === shownQr && left.querySelector(".qr-figure")) return;
    shownQr = order.qr_string;
    expiredChecked = false;
    if (!order.qr_string) {
      replace(left, h("p", { class: "lead" }, t("payment.preparingQr")));
      return;
    }
    const svg = qrSvg(order.qr_string, t("payment.qrLabel", { amount: formatRupiah(order.total) }));
    replace(left,
      h("figure", { class: "qr-figure" },
        h("div", { class: "qr-box", id: "qris", dataset: { qr: order.qr_string } }, svg),
        h("figcaption", {},
          h("strong", { class: "qris-mark" }, "QRIS"),
          h("span", {}, t("payment.scanWithAnyApp")))),
      h("p", { class: "countdown", id: "qr-countdown", role: "timer", "aria-live": "off" }));
    tick();
    // The browser suite reads this measure as the "Lanjut to QR" time.
    performance.mark("kasir:qr-shown");
    if (performance.getEntriesByName("kasir:lanjut", "mark").length) {
      performance.measure("kasir:lanjut-to-qr", "kasir:lanjut", "kasir:qr-shown");
      performance.clearMarks("kasir:lanjut");
    }
  }

  function drawCash() {
    const total = order.total;
    const amount = received ? Number(received) : 0;
    const display = h("output", { class: "cash-display", id: "cash-received", "aria-labelledby": "cash-label" },
      received ? formatRupiah(amount) : formatRupiah(0));
    const change = h("p", { class: "cash-change", id: "cash-change", role: "status" },
      !received ? t("payment.cashEnter") : amount >= total ? t("payment.change", { amount: formatRupiah(amount - total) })
        : t("payment.short", { amount: formatRupiah(total - amount) }));
    change.classList.toggle("is-short", Boolean(received) && amount < total);
    const quick = h("div", { class: "quick-cash", role: "group", "aria-label": t("payment.quickCash") },
      quickCashAmounts(total).map((value) => h("button", {
        type: "button", class: "btn btn-secondary", dataset: { amount: value },
        onclick: () => { received = String(value); drawCash(); },
      }, value === total ? t("payment.exact") : groupThousands(value))));
    const pad = keypad({ label: t("payment.cashKeypad"), onKey: onCashKey });
    const confirm = h("button", {
      type: "button", class: "btn btn-primary btn-xl", id: "confirm-cash", disabled: amount < total || cashIntent.busy, onclick: payCash,
    }, t("payment.confirmCash"));
    replace(left,
      h("h3", { id: "cash-label" }, t("payment.cashReceived")),
      display, change, quick, pad.element, confirm);
  }

  function onCashKey(key) {
    if (cashIntent.busy) return;
    if (key === "back") received = received.slice(0, -1);
    else if (key === "clear") received = "";
    else if (received.length < MAX_CASH_DIGITS && !(received === "" && key === "0")) received += key;
    cashIntent.reset(); // another amount is another intent
    drawCash();
  }

  async function payCash() {
    const amount = Number(received);
    if (cashIntent.busy || !(amount >= order.total)) return;
    error.textContent = "";
    const confirm = left.querySelector("#confirm-cash");
    confirm.disabled = true;
    confirm.setAttribute("aria-busy", "true");
    try {
      const next = await cashIntent.run((key) => api.payCash(order.order_id, amount, key));
      if (alive && next && !leaveFor(next)) drawCash();
    } catch (err) {
      error.textContent = app.errorText(err);
      drawCash();
    }
  }

  function setMode(next) {
    mode = next;
    error.textContent = "";
    syncControls();
    if (removeKeys) removeKeys();
    removeKeys = null;
    if (mode === "cash") {
      drawCash();
      removeKeys = listenForDigitKeys({ onKey: onCashKey, onEnter: payCash });
    } else {
      shownQr = null;
      drawQr();
    }
  }

  async function cancel() {
    if (Date.now() > cancelArmedUntil) {
      cancelArmedUntil = Date.now() + CONFIRM_MS;
      cancelButton.textContent = t("payment.cancelConfirm");
      setTimeout(() => { cancelButton.textContent = t("payment.cancel"); }, CONFIRM_MS);
      return;
    }
    cancelButton.disabled = true;
    try {
      const next = await api.cancelSale(order.order_id);
      if (alive) app.showOrder(next);
    } catch (err) {
      error.textContent = app.errorText(err);
      cancelButton.disabled = false;
    }
  }

  root.append(h("section", { class: "screen screen-payment split", "aria-labelledby": "pay-title" },
    left,
    h("div", { class: "panel pay-right" },
      h("h2", { id: "pay-title" }, t("payment.title")),
      h("p", { class: "amount-label" }, t("payment.total")),
      h("p", { class: "amount-big", id: "pay-amount" }, formatRupiah(order.total)),
      h("dl", { class: "facts" },
        h("div", {}, h("dt", {}, t("payment.orderNo")), h("dd", { id: "pay-order-no" }, order.order_no)),
        h("div", {}, h("dt", {}, t("payment.shopper")), h("dd", { id: "pay-shopper" }, sale.shopper ? sale.shopper.name : t("cart.noShopper"))),
        h("div", {}, h("dt", {}, t("payment.items")), h("dd", {}, t("cart.itemCount", { count: order.items.reduce((s, i) => s + i.qty, 0) })))),
      status,
      error,
      h("div", { class: "actions actions-stack" }, checkButton, cashButton, cancelButton))));

  setMode(mode);
  // After a reload or an idle lock the order may have moved on while nobody was looking.
  if (params.resume && hasQr()) check(false);

  return () => {
    alive = false;
    stopWatching();
    if (removeKeys) removeKeys();
  };
}

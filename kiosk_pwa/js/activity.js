// A sale's receipts and messages (GET /api/sales/{id} "activity"), as the kiosk's sale screen and the
// back office's show them: each print (the first one, every "SALINAN ke-N" with who asked, refund
// receipts) with what the printer did, and each message to the shopper with whether it went out and,
// when not yet, why. What failed has "Kirim ulang".
import * as api from "./api.js";
import { h } from "./dom.js";
import { formatWib } from "./format.js";
import { t } from "./i18n.js";

// Each state and message kind in the person's language (written out: every string is findable).
const PRINT_STATES = {
  QUEUED: () => t("activity.printState.QUEUED"), LEASED: () => t("activity.printState.LEASED"),
  PRINTED: () => t("activity.printState.PRINTED"), FAILED: () => t("activity.printState.FAILED"),
  EXPIRED: () => t("activity.printState.EXPIRED"),
};
const MESSAGE_STATES = {
  QUEUED: () => t("activity.msgState.QUEUED"), SENT: () => t("activity.msgState.SENT"),
  FAILED: () => t("activity.msgState.FAILED"),
};
const MESSAGE_KINDS = {
  receipt_link: () => t("activity.msg.receipt_link"), activation_link: () => t("activity.msg.activation_link"),
  payment_instructions: () => t("activity.msg.payment_instructions"),
  payment_received: () => t("activity.msg.payment_received"), order_expired: () => t("activity.msg.order_expired"),
  order_cancelled: () => t("activity.msg.order_cancelled"),
  refund_notice: (entry) => t("activity.msg.refund_notice", { refundNo: entry.refund_no || "" }),
};
// How each state looks: done, under way, or wrong.
const TONE = { PRINTED: "ok", SENT: "ok", QUEUED: "wait", LEASED: "wait", FAILED: "bad", EXPIRED: "bad" };

function receiptTitle(entry) {
  const base = entry.kind === "refund_receipt" ? t("activity.refundReceipt", { refundNo: entry.refund_no })
    : entry.kind === "slip" ? t("activity.slip") : t("activity.receipt");
  return entry.copy ? `${base} · ${t("activity.copy", { number: entry.copy })}` : base;
}

function messageTitle(entry) {
  const kind = MESSAGE_KINDS[entry.kind] ? MESSAGE_KINDS[entry.kind](entry) : entry.kind;
  return entry.to_masked ? `${kind} ${t("activity.to", { phone: entry.to_masked })}` : kind;
}

function stateText(entry, message) {
  const text = (message ? MESSAGE_STATES : PRINT_STATES)[entry.status];
  return text ? text() : entry.status;
}

/**
 * The panel for `sale`. `timeZone` the store's; `errorText(err)` the screen's wording of an error;
 * `reload()` loads the sale again after a retry went through.
 */
export function activityPanel(sale, { timeZone, errorText, reload }) {
  const activity = sale.activity || { receipts: [], messages: [] };
  const error = h("p", { class: "form-error", role: "alert", id: "activity-error" });
  const when = (epoch) => (epoch ? formatWib(epoch, timeZone) : "");

  async function retry(entry, button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    error.textContent = "";
    try {
      await api.retrySaleActivity(sale.order_id, entry.effect_id);
      await reload();
    } catch (err) {
      error.textContent = errorText(err);
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  function item(entry, message) {
    const retryButton = entry.can_retry
      ? h("button", { type: "button", class: "btn btn-secondary activity-retry" }, t("activity.retry")) : null;
    retryButton?.addEventListener("click", () => retry(entry, retryButton));
    const facts = message
      ? [entry.status === "SENT" && entry.channel ? t("activity.via", { channel: entry.channel }) : null,
        when(entry.sent_at || entry.queued_at)]
      : [entry.asked_by ? t("activity.askedBy", { name: entry.asked_by }) : null, when(entry.finished_at || entry.asked_at || entry.queued_at)];
    return h("li", { class: "activity-item", dataset: { effect: entry.effect_id, kind: entry.kind, status: entry.status } },
      h("div", { class: "activity-head" },
        h("span", { class: "activity-title" }, message ? messageTitle(entry) : receiptTitle(entry)),
        h("span", { class: `badge activity-state tone-${TONE[entry.status] || "wait"}` }, stateText(entry, message))),
      h("p", { class: "activity-meta" }, facts.filter(Boolean).join(" · ")),
      entry.reason && entry.status !== "PRINTED" && entry.status !== "SENT"
        ? h("p", { class: "activity-reason" }, entry.reason) : null,
      retryButton ? h("div", { class: "actions" }, retryButton) : null);
  }

  const receipts = activity.receipts || [];
  const messages = activity.messages || [];
  return h("div", { class: "panel activity-panel", id: "sale-activity" },
    h("h3", {}, t("activity.title")),
    receipts.length || messages.length ? null : h("p", { class: "hint", id: "activity-none" },
      t("activity.none", { days: activity.kept_days || 90 })),
    receipts.length ? h("h4", { class: "activity-group" }, t("activity.receipts")) : null,
    receipts.length ? h("ul", { class: "activity-list", id: "activity-receipts" }, receipts.map((e) => item(e, false))) : null,
    messages.length ? h("h4", { class: "activity-group" }, t("activity.messages")) : null,
    messages.length ? h("ul", { class: "activity-list", id: "activity-messages" }, messages.map((e) => item(e, true))) : null,
    error);
}

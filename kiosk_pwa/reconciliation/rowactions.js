// What a person can do with a credit that pays no order, under its card: give its money back by
// transfer (the amount at most what is free, with the transfer's reference) or set it aside with a
// reason. Used by the review list (review.js) and the refund list (money.js).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText, parseRupiah, rupiahDigits, rupiahInput, toast } from "../backoffice/common.js";

// Why a row is set aside: the server's codes and their words (the server checks the same list).
const ASIDE_REASONS = {
  bukan_penjualan: "bo.recon.aside.reasons.bukan_penjualan", duplikat: "bo.recon.aside.reasons.duplikat",
  biaya_bank: "bo.recon.aside.reasons.biaya_bank", lainnya: "bo.recon.aside.reasons.lainnya",
};

/** The form under a row that records money given back by transfer: amount (at most what is free), reference. */
export function refundForm(line, onDone) {
  const error = errorLine();
  const amount = rupiahInput({ value: rupiahDigits(line.free), "aria-label": t("bo.recon.refund.amount"), class: "input input-small refund-amount" });
  const ref = h("input", { class: "input refund-ref", maxlength: 64, autocomplete: "off", placeholder: t("bo.recon.refund.refPlaceholder"),
    "aria-label": t("bo.recon.refund.ref") });
  const note = h("input", { class: "input", maxlength: 200, autocomplete: "off", "aria-label": t("bo.recon.refund.note"),
    placeholder: t("bo.recon.refund.note") });
  const intent = new api.Intent(); // one refund: a lost answer never records it twice
  const save = h("button", { type: "button", class: "btn btn-primary refund-save" }, t("bo.recon.refund.save"));
  save.addEventListener("click", async () => {
    const value = parseRupiah(amount.value);
    save.disabled = true;
    try {
      const body = { transfer_ref: ref.value.trim(), amount: value };
      if (note.value.trim()) body.note = note.value.trim();
      await intent.run((key) => api.call("POST", `/reconciliation/lines/${line.line_id}/refunds`, { body, idempotencyKey: key }));
      toast(t("bo.recon.refund.done", { amount: `Rp${amount.value}` }));
      onDone();
    } catch (err) {
      error.textContent = errorText(err);
      save.disabled = false;
    }
  });
  [amount, ref, note].forEach((input) => input.addEventListener("input", () => intent.reset()));
  return h("div", { class: "inline-form refund-form" },
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.recon.refund.amount")), amount),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.recon.refund.ref")), ref),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.recon.refund.note")), note),
    save, error);
}

/** The form under a row that sets it aside: a reason (a note for "Lainnya"). */
export function asideForm(line, onDone) {
  const error = errorLine();
  const reason = h("select", { class: "input aside-reason", "aria-label": t("bo.recon.aside.reason") },
    Object.entries(ASIDE_REASONS).map(([code, key]) => h("option", { value: code }, t(key))));
  const note = h("input", { class: "input aside-note", maxlength: 200, autocomplete: "off", "aria-label": t("bo.recon.aside.note"),
    placeholder: t("bo.recon.aside.note") });
  const save = h("button", { type: "button", class: "btn btn-primary aside-save" }, t("bo.recon.aside.save"));
  save.addEventListener("click", async () => {
    save.disabled = true;
    try {
      const body = { reason: reason.value };
      if (note.value.trim()) body.note = note.value.trim();
      await api.call("POST", `/reconciliation/lines/${line.line_id}/set-aside`, { body });
      toast(t("bo.recon.aside.done", { line: line.line_number }));
      onDone();
    } catch (err) {
      error.textContent = errorText(err);
      save.disabled = false;
    }
  });
  return h("div", { class: "inline-form aside-form" },
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.recon.aside.reason")), reason),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.recon.aside.note")), note),
    save, error);
}

/** A button that opens `form` under itself (once), for a card's actions. */
export function opener(label, makeForm, className) {
  const holder = h("div", { class: "form-holder" });
  const button = h("button", { type: "button", class: `btn btn-secondary ${className}` }, label);
  button.addEventListener("click", () => {
    button.hidden = true;
    replace(holder, makeForm());
  });
  return [button, holder];
}

/**
 * A bulk action's button ("Konfirmasi semua", "Jadikan semua penjualan"): runs `send`, then shows in
 * `summary` what was done and, one line each, what was skipped and why; `onDone` reloads the list.
 */
export function bulkButton({ label, id, send, doneText, onDone, summary }) {
  const button = h("button", { type: "button", class: "btn btn-primary", id }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const result = await send();
      const done = result.confirmed || result.sales || [];
      replace(summary,
        h("p", { class: done.length ? "sum-ok" : "row-meta" }, doneText(done.length)),
        result.skipped.length ? h("p", { class: "sum-bad" }, t("bo.recon.bulk.skipped", { count: result.skipped.length })) : null,
        result.skipped.length ? h("ul", { class: "bulk-skipped" }, result.skipped.map((s) => h("li", {},
          h("b", {}, s.order_no || (s.line_number ? t("bo.recon.bulk.line", { line: s.line_number }) : "")), ` · ${s.message}`))) : null,
        result.more ? h("p", { class: "row-meta" }, t("bo.recon.bulk.more")) : null);
      onDone();
    } catch (err) {
      replace(summary, h("p", { class: "form-error", role: "alert" }, errorText(err)));
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  return button;
}

